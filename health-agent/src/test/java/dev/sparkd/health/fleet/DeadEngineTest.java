package dev.sparkd.health.fleet;

import static dev.sparkd.health.fleet.VllmContainerLab.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.handshake.Handshake;
import dev.sparkd.health.telemetry.HostStatus;
import dev.sparkd.health.telemetry.Telemetry;
import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import dev.sparkd.simulator.testing.SimToml;
import dev.sparkd.simulator.testing.SshSparks;
import io.vertx.mutiny.core.Vertx;

/**
 * A dead vLLM engine makes the server exit and its container with it (launcher.py watchdog): the service is DOWN with
 * the container's exit code and the log's error line, read over SSH telemetry, not a bare "connection refused".
 */
class DeadEngineTest {
    static final Path DIR = Path.of("target/dead-engine-test").toAbsolutePath();
    static Simulator sim;
    static final Duration WITHIN = Duration.ofSeconds(20);
    static SuiteConfig config;

    @BeforeAll
    static void start() {
        sim = SshSparks.start(DIR, """
                [vllm.models."Qwen/Qwen2.5-7B-Instruct"]
                load_delay = "100ms"
                """
                + SimToml.service("spark-1", "vllm-1", "vllm", "model = \"Qwen/Qwen2.5-7B-Instruct\""));
        config = ConfigLoader.load(VllmContainerLab.suite("dead-engine", sim, "5s").write(DIR.resolve("sparkd.toml")));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void aDeadEngineIsDownWithItsContainersExitAndErrorLine() {
        HealthSettings settings = config.section(HealthSettings.class);
        Vertx vertx = Vertx.vertx();
        try (Handshake handshake = new Handshake(vertx.getDelegate(), settings);
                Telemetry telemetry = new Telemetry(Runnable::run, config, s -> { });
                Fleet fleet = new Fleet(vertx, config, settings, handshake, FleetEvents.NONE, telemetry::container, Instant.now())) {
            ServiceMonitor vllm = fleet.monitor("vllm-1").orElseThrow();
            awaitState(vllm, "UP", WITHIN);
            collectUntil(telemetry, c -> c.running());

            sim.control().setFault("vllm-1", new Fault(FaultType.ENGINE_DEAD, Map.of("exit_after_s", 0.3)));
            HostStatus.Container exited = collectUntil(telemetry, HostStatus.Container::exited);
            assertThat(exited.exitCode()).isEqualTo(1);
            assertThat(exited.error()).startsWith("vllm.v1.engine.exceptions.EngineDeadError");

            ServiceStatus down = awaitState(vllm, "DOWN", WITHIN);
            assertThat(vllm.last().refused()).as("the server exited with its container: the port refuses").isTrue();
            assertThat(down.reason()).isEqualTo("container vllm-1 exited (code 1): vllm.v1.engine.exceptions.EngineDeadError: "
                    + "EngineCore encountered an issue. See stack trace (above) for the root cause.");

            // a restart policy brings it back: the exit no longer explains anything once the service is up again
            sim.control().clearFaults("vllm-1");
            awaitState(vllm, "UP", WITHIN);
            sim.control().setFault("vllm-1", Fault.of(FaultType.DOWN));
            ServiceStatus refused = awaitState(vllm, "DOWN", WITHIN);
            assertThat(refused.reason()).as("telemetry still shows the old exit; the service was up after it")
                    .startsWith("connection refused for");
        } finally {
            sim.control().clearFaults("vllm-1");
            vertx.closeAndAwait();
        }
    }

    private static HostStatus.Container collectUntil(Telemetry telemetry, Predicate<HostStatus.Container> wanted) {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < until) {
            telemetry.collectAll().await().atMost(Duration.ofSeconds(30));
            HostStatus.Container c = telemetry.container("vllm-1").orElse(null);
            if (c != null && wanted.test(c)) {
                return c;
            }
            VllmContainerLab.sleep(200);
        }
        throw new AssertionError("telemetry never saw vllm-1 as wanted: " + telemetry.statuses());
    }
}
