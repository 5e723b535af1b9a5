package dev.sparkd.models;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.TextNode;

import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.daemon.edge.AdminToken;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.models.engine.ReconcileSchedule;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;

/**
 * The HTTP API of the daemon (the same boot as ModelManagerDaemonTest). Its backends are closed ports and its host has
 * no SSH, so a swap gets as far as taking the lock and trying its first {@code docker} command, then fails.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
class ModelsApiTest {
    @Inject
    OperationThreads threads;

    @Inject
    Scheduler scheduler;

    @Inject
    SuiteConfig config;

    /** The admin routes (plan, reconcile, swap) answer with the admin token, as the CLIs send it. */
    RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + AdminToken.read(config));
    }

    @Test
    void aForcedSwapNeedsTheAdminTokenAndARealBoolean() {
        given().contentType("application/json").body("{\"model\":\"qwen7b\",\"force\":true}")
                .post("/api/v1/services/vllm-1/swap").then().statusCode(401);
        for (String bad : List.of("\"maybe\"", "[true]", "{}")) {
            admin().contentType("application/json").body("{\"model\":\"qwen7b\",\"force\":" + bad + "}")
                    .post("/api/v1/services/vllm-1/swap").then().statusCode(400);
        }
    }

    @Test
    void swapToANameOutsideTheCatalogIs400() {
        for (String bad : List.of("x; rm -rf /", "$(reboot)", "nope")) {
            admin().contentType("application/json").body("{\"model\":" + TextNode.valueOf(bad) + "}")
                    .post("/api/v1/services/vllm-1/swap").then().statusCode(400)
                    .body("error.type", equalTo("invalid_request")).body("error.message", containsString("is not in the catalog of vllm-1"));
        }
        admin().contentType("application/json").body("{\"model\":\"qwen7b\"}").post("/api/v1/services/ollama-1/swap")
                .then().statusCode(400);
    }

    @Test
    void planReportsUnreadableServicesAndUnknownOperationsAre404() {
        admin().get("/api/v1/plan").then().statusCode(200)
                .body("services.find { it.service == 'ollama-1' }.error", containsString("cannot read installed models"))
                .body("services.find { it.service == 'vllm-1' }.items[0].action", equalTo("swap"));
        given().get("/api/v1/operations/00000000-0000-0000-0000-000000000000").then().statusCode(404);
    }

    @Test
    void everyModelManagerMetricIsDocumented() throws Exception {
        admin().get("/api/v1/plan").then().statusCode(200);
        String metrics = given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        String doc = Files.readString(Path.of("../docs/metrics.md"));
        String section = doc.substring(doc.indexOf("## model-manager"));
        int next = section.indexOf("\n## ", 5);
        section = next < 0 ? section : section.substring(0, next);
        Matcher m = Pattern.compile("^(sparkd_models_[a-z_]+)", Pattern.MULTILINE).matcher(metrics);
        Set<String> live = new TreeSet<>();
        while (m.find()) {
            live.add(m.group(1).replaceAll("_(count|sum|bucket)$", ""));
        }
        assertThat(live).contains("sparkd_models_drift", "sparkd_models_vllm_active");
        for (String name : live) {
            assertThat(section).as("docs/metrics.md lists " + name).contains("`" + name + "`");
        }
    }

    @Test
    void aSwapRequestTakesItsLockAndRunsItsSshCommandsOnWorkerThreads() {
        Response accepted = retryWhileBusy(() -> admin().contentType("application/json").body("{\"model\":\"qwen7b\"}")
                .post("/api/v1/services/vllm-1/swap"));
        String id = accepted.jsonPath().getString("id");
        String error = finished(id).jsonPath().getString("error");
        assertThat(error).as("the swap reached its first docker command").contains("host of vllm-1 has no ssh settings");
        List<OperationThreads.Seen> seen = threads.of(id);
        assertThat(seen).extracting(OperationThreads.Seen::what).contains("started").anyMatch(w -> w.contains("no ssh settings"));
        assertThat(seen).as("lock, start and SSH attempt off the event loop: " + seen).noneMatch(OperationThreads.Seen::eventLoop);
    }

    @Test
    void aReconcileRequestRunsOnAWorkerAndReachesTheSwapOfTheVllmService() {
        Set<String> before = operationIds();
        retryWhileBusy(() -> admin().post("/api/v1/reconcile"));
        String id = await(() -> operationIds().stream().filter(i -> !before.contains(i)).findFirst().orElse(null), "a new operation");
        Response op = finished(id);
        assertThat(op.jsonPath().getString("kind")).isEqualTo("swap");
        assertThat(op.jsonPath().getString("error")).contains("host of vllm-1 has no ssh settings");
        assertThat(threads.of(id)).isNotEmpty().noneMatch(OperationThreads.Seen::eventLoop);
    }

    @Test
    void theReconcileIsScheduledEveryReconcileIntervalOfTheFile() {
        Trigger job = scheduler.getScheduledJob(ReconcileSchedule.JOB);
        assertThat(job).as("scheduled job " + ReconcileSchedule.JOB).isNotNull();
        await(() -> job.getPreviousFireTime(), "the first tick, 5 s after start");
        // reconcile_interval = "1h" in model-manager-test.toml
        assertThat(Duration.between(job.getPreviousFireTime(), job.getNextFireTime()).toSeconds()).isBetween(3590L, 3610L);
    }

    /** Sends until the answer is not 409 (the scheduled reconcile may be swapping vllm-1); expects 202. */
    private static Response retryWhileBusy(Supplier<Response> send) {
        Response r = send.get();
        for (int i = 0; i < 100 && r.statusCode() == 409; i++) {
            sleep(100);
            r = send.get();
        }
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
        return r;
    }

    private static Response finished(String id) {
        return await(() -> {
            Response r = given().get("/api/v1/operations/" + id);
            return r.jsonPath().getString("state").equals("running") ? null : r;
        }, "operation " + id + " to finish");
    }

    private static Set<String> operationIds() {
        return given().get("/api/v1/operations").then().statusCode(200).extract().jsonPath().getList("id", String.class)
                .stream().collect(Collectors.toSet());
    }

    private static <T> T await(Supplier<T> probe, String what) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
