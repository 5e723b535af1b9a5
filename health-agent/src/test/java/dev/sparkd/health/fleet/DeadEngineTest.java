package dev.sparkd.health.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
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
import dev.sparkd.health.testing.SimulatedLab;
import dev.sparkd.health.telemetry.HostStatus;
import dev.sparkd.health.telemetry.Telemetry;
import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.config.SimConfig;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import io.vertx.mutiny.core.Vertx;

/**
 * A dead vLLM engine makes the server exit and its container with it (launcher.py watchdog): the service is DOWN with
 * the container's exit code and the log's error line, read over SSH telemetry, not a bare "connection refused".
 */
class DeadEngineTest {
    static final Path DIR = Path.of("target/dead-engine-test").toAbsolutePath();
    static Simulator sim;
    static SuiteConfig config;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(DIR);
        sim = Simulator.start(SimConfig.parse("""
                [simulator]
                client_key = "id_ed25519"
                known_hosts = "known_hosts"
                [vllm.models."Qwen/Qwen2.5-7B-Instruct"]
                load_delay = "100ms"
                [sparks.spark-1]
                gpu = "gb10"
                [sparks.spark-1.ssh]
                port = 0
                host_key = "spark-1_host_ed25519"
                authorized_keys = "authorized_keys"
                [sparks.spark-1.services.vllm-1]
                kind = "vllm"
                port = 0
                model = "Qwen/Qwen2.5-7B-Instruct"
                """, DIR));
        Path file = DIR.resolve("sparkd.toml");
        Files.writeString(file, """
                [suite]
                name = "dead-engine"
                state_dir = "state"
                [hosts.spark-1]
                address = "127.0.0.1"
                gpu = "gb10"
                ssh = { user = "spark", port = %d, key_file = "id_ed25519", known_hosts = "known_hosts" }
                [services.vllm-1]
                kind = "vllm"
                host = "spark-1"
                port = %d
                model = "Qwen/Qwen2.5-7B-Instruct"
                container = "vllm-1"
                start_grace = "10m"
                [health]
                timeout = "5s"
                slow_response = "10s"
                failure_threshold = 1
                """.formatted(sim.spark("spark-1").ssh().port(), sim.port("vllm-1")));
        config = ConfigLoader.load(file);
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
            awaitState(vllm, "UP");
            collectUntil(telemetry, c -> c.running());

            sim.control().setFault("vllm-1", new Fault(FaultType.ENGINE_DEAD, Map.of("exit_after_s", 0.3)));
            HostStatus.Container exited = collectUntil(telemetry, HostStatus.Container::exited);
            assertThat(exited.exitCode()).isEqualTo(1);
            assertThat(exited.error()).startsWith("vllm.v1.engine.exceptions.EngineDeadError");

            ServiceStatus down = awaitState(vllm, "DOWN");
            assertThat(vllm.last().refused()).as("the server exited with its container: the port refuses").isTrue();
            assertThat(down.reason()).isEqualTo("container vllm-1 exited (code 1): vllm.v1.engine.exceptions.EngineDeadError: "
                    + "EngineCore encountered an issue. See stack trace (above) for the root cause.");

            // a restart policy brings it back: the exit no longer explains anything once the service is up again
            sim.control().clearFaults("vllm-1");
            awaitState(vllm, "UP");
            sim.control().setFault("vllm-1", Fault.of(FaultType.DOWN));
            ServiceStatus refused = awaitState(vllm, "DOWN");
            assertThat(refused.reason()).as("telemetry still shows the old exit; the service was up after it")
                    .startsWith("connection refused for");
        } finally {
            sim.control().clearFaults("vllm-1");
            vertx.closeAndAwait();
        }
    }

    private static ServiceStatus awaitState(ServiceMonitor m, String state) {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        ServiceStatus s = m.status();
        while (System.nanoTime() < until) {
            s = m.probeOnce().await().atMost(Duration.ofSeconds(15));
            if (state.equals(s.state())) {
                return s;
            }
            sleep(100);
        }
        throw new AssertionError("vllm-1 never " + state + ": " + s);
    }

    private static HostStatus.Container collectUntil(Telemetry telemetry, Predicate<HostStatus.Container> wanted) {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < until) {
            telemetry.collectAll().await().atMost(Duration.ofSeconds(30));
            HostStatus.Container c = telemetry.container("vllm-1").orElse(null);
            if (c != null && wanted.test(c)) {
                return c;
            }
            sleep(200);
        }
        throw new AssertionError("telemetry never saw vllm-1 as wanted: " + telemetry.statuses());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
