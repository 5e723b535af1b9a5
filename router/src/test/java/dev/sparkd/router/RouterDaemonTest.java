package dev.sparkd.router;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sparkd.daemon.testing.DaemonContract;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.router.ledger.Ledger;
import dev.sparkd.router.target.Targets;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/** The router keeps the contract every sparkd daemon keeps, and its own promises to hostile callers. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatorResource.class)
class RouterDaemonTest extends DaemonContract {
    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Inject
    Ledger ledger;
    @Inject
    Pool pool;

    RouterDaemonTest() {
        super("router");
    }

    @Override
    protected List<Call> adminCalls() {
        return List.of(Call.post("/api/v1/keys", "{\"name\":\"contract\"}"), Call.get("/api/v1/keys"),
                Call.delete("/api/v1/keys/00000000"), Call.get("/api/v1/usage"));
    }

    @Override
    protected List<Call> openCalls() {
        return List.of(Call.post("/v1/chat/completions", CHAT.formatted("local")), Call.get("/v1/models"));
    }

    @Inject
    Targets targets;

    @AfterEach
    void clearFaults() throws InterruptedException {
        SimulatorResource.sim.control().clearFaults("ollama-1");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!targets.upstreams().stream().allMatch(u -> u.reachable()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Test
    void localOnlyHeaderNeverFailsOpen() {
        SimulatorResource.sim.control().setFault("ollama-1", Fault.of(FaultType.DOWN)); // only the cloud could answer "spill"
        int before = SimulatorResource.sim.openAi().requests().size();
        for (String yes : new String[] {"true", "1", "yes", "on", "TRUE", "Yes", " on "}) {
            given().contentType("application/json").header("X-Sparkd-Local-Only", yes).body(CHAT.formatted("spill"))
                    .post("/v1/chat/completions").then().statusCode(503);
        }
        for (String bad : new String[] {"", "y", "tru", "2", "true,false", "enable", "local"}) {
            given().contentType("application/json").header("X-Sparkd-Local-Only", bad).body(CHAT.formatted("spill"))
                    .post("/v1/chat/completions").then().statusCode(400)
                    .body("error.code", org.hamcrest.Matchers.equalTo("invalid_local_only_header"));
            given().header("X-Sparkd-Local-Only", bad).get("/v1/models").then().statusCode(400);
        }
        assertThat(SimulatorResource.sim.openAi().requests()).as("cloud calls").hasSize(before);
        // without local-only the same request does reach the cloud, so the count above could have moved
        given().contentType("application/json").header("X-Sparkd-Local-Only", "off").body(CHAT.formatted("spill"))
                .post("/v1/chat/completions").then().statusCode(200);
        assertThat(SimulatorResource.sim.openAi().requests()).hasSize(before + 1);
    }

    @Test
    void aThousandWrongKeysWriteNoLedgerRow() {
        String tag = "wrongkey-" + System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            given().contentType("application/json").header("Authorization", "Bearer sk-sparkd-0badc0de-notavalidsecretatall")
                    .header("X-Request-Id", tag + "-" + i).body(CHAT.formatted("chat"))
                    .post("/v1/chat/completions").then().statusCode(401);
        }
        given().contentType("application/json").header("X-Request-Id", tag + "-malformed").body("{not json")
                .post("/v1/chat/completions").then().statusCode(400);
        assertThat(ledger.drain(Duration.ofSeconds(10))).isTrue();
        long rows = pool.preparedQuery("select count(*) as n from router.ledger where request_id like $1").execute(Tuple.of(tag + "%"))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n");
        assertThat(rows).as("ledger rows written for rejected requests").isZero();
    }

    @Test
    void keysCannotBeManagedFromLoopbackWithoutTheToken() {
        given().contentType("application/json").body("{\"name\":\"sneaky\"}").post("/api/v1/keys").then().statusCode(401);
        given().contentType("application/json").header("Authorization", admin()).body("{\"name\":\"ok\"}")
                .post("/api/v1/keys").then().statusCode(200);
    }
}
