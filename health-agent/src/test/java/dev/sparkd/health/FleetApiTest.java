package dev.sparkd.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sparkd.health.testing.SimulatedLab;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.daemon.testing.WrongListQueries;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/**
 * The agent against the simulated lab: faults injected into the simulator move services to the right state within
 * failure_threshold × interval (2 × 2 s here, plus slack for a busy build machine) with the right reason, the per-service
 * endpoint answers like {@code curl -f} needs, and incidents are written and closed.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatedLab.class)
class FleetApiTest {
    static final Duration CHANGE = Duration.ofSeconds(15);

    @AfterEach
    void clearFaults() {
        for (String s : List.of("ollama-1", "vllm-1", "llamacpp-1")) {
            SimulatedLab.sim().control().clearFaults(s);
        }
        for (String s : List.of("ollama-1", "vllm-1", "llamacpp-1")) {
            awaitService(s, j -> "UP".equals(j.getString("state")) || "DEGRADED".equals(j.getString("state")), CHANGE);
        }
    }

    /** The incident list's since and limit: wrong, oversized and overflowing values answer 400, not 404 or 500. */
    @Test
    void wrongIncidentQueriesAnswer400() {
        given().queryParam("since", "1h").queryParam("limit", "10").get("/api/v1/incidents").then().statusCode(200);
        WrongListQueries.answer400(RestAssured::given, "/api/v1/incidents", true);
    }

    @Test
    void everySimulatedServiceIsUpWithLiveLoadFigures() {
        for (String s : List.of("ollama-1", "vllm-1", "llamacpp-1", "cloud", "ollama-api", "ollama-port")) {
            awaitService(s, j -> "UP".equals(j.getString("state")), CHANGE);
        }
        JsonPath vllm = given().get("/api/v1/services/vllm-1").then().statusCode(200).extract().jsonPath();
        assertThat(vllm.getDouble("load.queue_depth")).isEqualTo(0.0);
        assertThat(vllm.getDouble("load.kv_cache_usage")).isBetween(0.0, 1.0);
        assertThat(vllm.getList("load.served_models", String.class)).containsExactly("qwen2.5-7b");
        JsonPath ollama = given().get("/api/v1/services/ollama-1").then().statusCode(200).extract().jsonPath();
        assertThat(ollama.getInt("load.installed_models")).isEqualTo(1);
        assertThat(ollama.getString("load.version")).isNotBlank();
        JsonPath llama = given().get("/api/v1/services/llamacpp-1").then().statusCode(200).extract().jsonPath();
        assertThat(llama.getInt("load.slots_total")).isEqualTo(4);
        given().get("/api/v1/services").then().statusCode(200).body("services.size()", equalTo(6));
        given().get("/api/v1/services/no-such").then().statusCode(404).body("error.type", equalTo("not_found"));
    }

    @Test
    void downVllmFailsCurlAndOpensAnIncidentThatClosesOnRecovery() {
        awaitService("vllm-1", j -> "UP".equals(j.getString("state")), CHANGE);
        long start = System.nanoTime();
        SimulatedLab.sim().control().setFault("vllm-1", Fault.of(FaultType.DOWN));
        JsonPath down = awaitService("vllm-1", j -> "DOWN".equals(j.getString("state")), CHANGE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CHANGE);
        assertThat(down.getString("reason")).contains("connection refused").contains("was up");
        given().get("/api/v1/services/vllm-1").then().statusCode(503);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/group/fleet").then().statusCode(503).body("checks[0].data.vllm-1", containsString("DOWN"));

        SimulatedLab.sim().control().clearFaults("vllm-1");
        awaitService("vllm-1", j -> "UP".equals(j.getString("state")), CHANGE);
        given().get("/api/v1/services/vllm-1").then().statusCode(200);
        JsonPath incident = awaitIncidents("vllm-1", list -> !list.isEmpty() && list.get(0).get("ended_at") != null);
        assertThat(incident.getString("[0].worst_state")).isEqualTo("DOWN");
        assertThat(incident.getBoolean("[0].open")).isFalse();
        assertThat(incident.getList("[0].reasons", String.class)).anyMatch(r -> r.contains("connection refused"));
        assertThat(incident.getLong("[0].duration_seconds")).isGreaterThanOrEqualTo(0);
        JsonPath view = given().get("/api/v1/services/vllm-1").then().extract().jsonPath();
        assertThat(view.getDouble("uptime_24h")).isLessThan(100.0).isGreaterThan(0.0);
        assertThat(view.getList("timeline_24h.state", String.class)).contains("DOWN", "UP");
    }

    @Test
    void engineDeadIsDownWithItsReason() {
        SimulatedLab.sim().control().setFault("vllm-1", Fault.of(FaultType.ENGINE_DEAD));
        JsonPath j = awaitService("vllm-1", x -> "DOWN".equals(x.getString("state")), CHANGE);
        assertThat(j.getString("reason")).isEqualTo("engine dead: /health answered 503");
        assertThat(j.getInt("http_status")).isEqualTo(503);
    }

    @Test
    void loadingLlamaCppIsLoading() {
        SimulatedLab.sim().control().setFault("llamacpp-1", Fault.of(FaultType.LOADING, "seconds", 60));
        JsonPath j = awaitService("llamacpp-1", x -> "LOADING".equals(x.getString("state")), CHANGE);
        assertThat(j.getString("reason")).contains("Loading model");
        given().get("/api/v1/services/llamacpp-1").then().statusCode(503);
    }

    @Test
    void slowOllamaIsDegradedButStillAnswers200() {
        SimulatedLab.sim().control().setFault("ollama-1", Fault.of(FaultType.SLOW, "delay_ms", 600));
        JsonPath j = awaitService("ollama-1", x -> "DEGRADED".equals(x.getString("state")), CHANGE);
        assertThat(j.getString("reason")).startsWith("slow: answered in ").endsWith("> 400ms");
        given().get("/api/v1/services/ollama-1").then().statusCode(200);
    }

    @Test
    void garbageBodyIsDown() {
        SimulatedLab.sim().control().setFault("ollama-1", Fault.of(FaultType.GARBAGE));
        JsonPath j = awaitService("ollama-1", x -> "DOWN".equals(x.getString("state")), CHANGE);
        // the first probe after the fault may have read "/" before it and /api/ps after: either check names the garbage
        assertThat(j.getString("reason")).containsAnyOf("not \"Ollama is running\"", "a body that is not JSON");
    }

    @Test
    void handshakeAnswersFourWithTimings() {
        JsonPath j = awaitService("ollama-1", x -> x.get("handshake.passed") != null && x.getBoolean("handshake.passed"), Duration.ofSeconds(30));
        assertThat(j.getString("handshake.model")).isEqualTo("llama3.2:3b");
        assertThat(j.getString("handshake.answer")).isEqualTo("4");
        assertThat(j.getDouble("handshake.ttft_seconds")).isPositive();
        JsonPath v = awaitService("vllm-1", x -> x.get("handshake.passed") != null && x.getBoolean("handshake.passed"), Duration.ofSeconds(30));
        assertThat(v.getString("handshake.model")).isEqualTo("qwen2.5-7b");
        assertThat(v.getDouble("handshake.tokens_per_second")).isPositive();
    }

    @Test
    void gb10HostReportsMeminfoAndNoGpuMemoryGauge() {
        JsonPath h = awaitHost("spark-1", j -> j.getBoolean("ok"));
        assertThat(h.getBoolean("unified_memory")).isTrue();
        assertThat(h.getLong("memory_total_bytes")).isEqualTo(125_514_308L * 1024);
        assertThat(h.getLong("memory_used_bytes")).isPositive();
        assertThat(h.getDouble("gpu.temperature_celsius")).isPositive();
        assertThat(h.getString("gpu.memory_used_bytes")).isNull();
        assertThat(h.getList("disks.path", String.class)).containsExactly("/usr/share/ollama/.ollama/models");
        String metrics = given().accept("text/plain").get("/q/metrics").then().extract().asString();
        assertThat(metrics).contains("sparkd_health_host_memory_total_bytes{host=\"spark-1\",}")
                .contains("sparkd_health_gpu_unified_memory{host=\"spark-1\",} 1.0")
                .doesNotContain("sparkd_health_gpu_memory_used_bytes{host=\"spark-1\"")
                .doesNotContain("sparkd_health_gpu_memory_total_bytes{host=\"spark-1\"");
    }

    static JsonPath awaitService(String name, Predicate<JsonPath> condition, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        JsonPath last = null;
        while (System.nanoTime() < deadline) {
            last = given().get("/api/v1/services/" + name).then().extract().jsonPath();
            if (condition.test(last)) {
                return last;
            }
            sleep(200);
        }
        throw new AssertionError(name + " did not reach the expected state within " + within + "; last answer: "
                + (last == null ? null : last.prettify()));
    }

    static JsonPath awaitHost(String name, Predicate<JsonPath> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonPath last = null;
        while (System.nanoTime() < deadline) {
            JsonPath all = given().get("/api/v1/hosts").then().statusCode(200).extract().jsonPath();
            last = new JsonPath(all.prettify()).setRootPath("find { it.name == '" + name + "' }");
            if (condition.test(last)) {
                return last;
            }
            sleep(300);
        }
        throw new AssertionError(name + ": " + (last == null ? null : last.prettify()));
    }

    static JsonPath awaitIncidents(String service, Predicate<List<Map<String, Object>>> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonPath last = null;
        while (System.nanoTime() < deadline) {
            last = given().queryParam("service", service).queryParam("since", "1h").get("/api/v1/incidents").then().statusCode(200)
                    .extract().jsonPath();
            if (condition.test(last.getList("$"))) {
                return last;
            }
            sleep(200);
        }
        throw new AssertionError("incidents of " + service + ": " + (last == null ? null : last.prettify()));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
