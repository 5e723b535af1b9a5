package dev.sparkd.health;

import static io.restassured.RestAssured.given;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sparkd.health.testing.SimulatedLab;
import dev.sparkd.daemon.testing.DaemonContract;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The health-agent keeps the contract every sparkd daemon keeps. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatedLab.class)
class HealthAgentDaemonTest extends DaemonContract {
    HealthAgentDaemonTest() {
        super("health-agent");
    }

    @Override
    protected List<Call> openCalls() {
        return List.of(Call.get("/"), Call.get("/api/v1/services"), Call.get("/api/v1/incidents"), Call.get("/api/v1/hosts"));
    }

    @Test
    void statusPageAndCurlChecksNeedNoToken() {
        // what the status page fetches (same origin) and what `curl -f` checks use stay open
        for (String path : new String[] {"/", "/status.js", "/api/v1/services?timeline=true", "/api/v1/incidents?since=24h", "/api/v1/hosts"}) {
            given().header("Origin", "http://localhost:" + io.restassured.RestAssured.port).header("Host", "localhost:" + io.restassured.RestAssured.port)
                    .get(path).then().statusCode(200);
        }
    }
}
