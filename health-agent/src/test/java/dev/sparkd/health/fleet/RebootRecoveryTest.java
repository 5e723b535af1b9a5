package dev.sparkd.health.fleet;

import static dev.sparkd.health.fleet.VllmContainerLab.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.handshake.Handshake;
import dev.sparkd.health.state.State;
import dev.sparkd.health.telemetry.Telemetry;
import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.ssh.ExecResult;
import dev.sparkd.simulator.testing.SshSparks;
import io.vertx.mutiny.core.Vertx;

/**
 * A Spark reboots under a vLLM container started the way a model-manager swap starts it ({@code --restart
 * unless-stopped}, the HF cache mounted): the health-agent reports the outage and, once docker has started the
 * container again and the model has loaded, the recovery — the two state changes an incident is opened and closed by.
 */
class RebootRecoveryTest {
    static final Path DIR = Path.of("target/reboot-recovery-test").toAbsolutePath();
    static Simulator sim;
    static SuiteConfig config;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        sim = SshSparks.start(DIR, """
                [vllm.models."Qwen/Qwen2.5-7B-Instruct"]
                load_delay = "1500ms"
                [sparks.spark-1]
                vllm_models = ["Qwen/Qwen2.5-7B-Instruct"]
                """);
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ExecResult run = sim.spark("spark-1").ssh().interpreter().execute("docker run -d --name vllm-1 --restart unless-stopped"
                + " --gpus all --ipc host -p 127.0.0.1:" + port + ":8000 -v /home/spark/.cache/huggingface:/root/.cache/huggingface"
                + " --entrypoint vllm vllm/vllm-openai:v0.11.0 serve Qwen/Qwen2.5-7B-Instruct --host 0.0.0.0 --port 8000"
                + " --gpu-memory-utilization=0.7");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        // the container's server is one of the simulator's services now, on the port docker published
        config = ConfigLoader.load(VllmContainerLab.suite("reboot-recovery", sim, "2s").write(DIR.resolve("sparkd.toml")));
        assertThat(config.service("vllm-1").orElseThrow().baseUri().getPort()).isEqualTo(port);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void aRebootIsAnOutageThenARecoveryWithoutAnyoneActing() throws Exception {
        HealthSettings settings = config.section(HealthSettings.class);
        List<ServiceStateChanged> changes = new CopyOnWriteArrayList<>();
        FleetEvents events = new FleetEvents() {
            @Override
            public void stateChanged(ServiceStateChanged event) {
                changes.add(event);
            }

            @Override
            public void figuresChanged(FiguresChanged event) {
            }
        };
        Vertx vertx = Vertx.vertx();
        try (Handshake handshake = new Handshake(vertx.getDelegate(), settings);
                Telemetry telemetry = new Telemetry(Runnable::run, config, s -> { });
                Fleet fleet = new Fleet(vertx, config, settings, handshake, events, telemetry::container, Instant.now())) {
            ServiceMonitor vllm = fleet.monitor("vllm-1").orElseThrow();
            awaitState(vllm, "UP", Duration.ofSeconds(20));
            changes.clear();

            CompletableFuture<Void> reboot = CompletableFuture.runAsync(() -> {
                try {
                    assertThat(sim.spark("spark-1").reboot(Duration.ofMillis(1000))).containsExactly("vllm-1");
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            ServiceStatus out = awaitNot(vllm, "UP", Duration.ofSeconds(10));
            reboot.get();
            ServiceStatus back = awaitState(vllm, "UP", Duration.ofSeconds(30));
            assertThat(back.state()).isEqualTo("UP");
            assertThat(changes).as("outage then recovery: " + changes).extracting(c -> c.change().to())
                    .startsWith(State.valueOf(out.state())).endsWith(State.UP);
            assertThat(changes.get(0).change().from()).contains(State.UP);
            assertThat(sim.spark("spark-1").containers().byName("vllm-1").orElseThrow().restartCount()).isEqualTo(1);
        } finally {
            vertx.closeAndAwait();
        }
    }

    private static ServiceStatus awaitNot(ServiceMonitor m, String state, Duration within) {
        long until = System.nanoTime() + within.toNanos();
        ServiceStatus s = m.status();
        while (System.nanoTime() < until) {
            s = m.probeOnce().await().atMost(Duration.ofSeconds(15));
            if (!state.equals(s.state())) {
                return s;
            }
            VllmContainerLab.sleep(50);
        }
        throw new AssertionError("vllm-1 stayed " + state + ": " + s);
    }
}
