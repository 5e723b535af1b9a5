package dev.sparkd.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sparkd.simulator.host.Container;
import dev.sparkd.simulator.host.ContainerSpec;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code docker run vllm/vllm-openai … vllm serve MODEL} on a simulated host, through the host's container backend. */
class VllmContainerBackendTest {
    private Simulator sim;

    @BeforeEach
    void start() {
        sim = TestConfigs.fast("""
                [sparks.spark-1]
                vllm_models = ["test/tiny-chat"]
                """);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    /** A flag given twice counts once, the last time, as vLLM's argparse takes it (the GPU memory and the port alike). */
    @Test
    void aFlagGivenTwiceIsTheLastOne() {
        List<String> args = List.of("--gpu-memory-utilization", "0.5", "--port=8001", "--gpu-memory-utilization=0.7", "--port", "8002");
        assertThat(ContainerSpec.option(args, "--gpu-memory-utilization")).isEqualTo("0.7");
        assertThat(ContainerSpec.intOption(args, "--port", 8000)).isEqualTo(8002);
        assertThat(ContainerSpec.option(args, "--max-model-len")).isNull();
        assertThat(ContainerSpec.option(List.of("--port"), "--port")).as("a flag without its value").isNull();
    }

    @Test
    void knownModelIsServedAfterItsLoadDelayAndStopClosesThePort() throws Exception {
        int port = freePort();
        Container c = new Container("c1", new ContainerSpec("vllm-swap", "vllm/vllm-openai:v0.10.2", port, "test/tiny-chat",
                List.of("--model", "test/tiny-chat", "--served-model-name", "coder"), Map.of()));
        sim.spark("spark-1").containerBackend().start(c);
        assertThat(c.status()).isEqualTo(Container.Status.RUNNING);
        assertThatThrownBy(() -> Http.get(port, "/health")).isInstanceOf(ConnectException.class);
        Http.awaitStatus(port, "/health", 200, Duration.ofSeconds(5));
        assertThat(Http.get(port, "/v1/models").body()).contains("\"id\":\"coder\"").contains("\"root\":\"test/tiny-chat\"");
        assertThat(Http.get(port, "/version").body()).contains("0.10.2");
        assertThat(sim.hasService("vllm-swap")).isTrue();
        c.stop();
        assertThat(c.status()).isEqualTo(Container.Status.EXITED);
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < deadline && sim.hasService("vllm-swap")) {
            Thread.sleep(10);
        }
        Thread.sleep(50);
        assertThatThrownBy(() -> Http.get(port, "/health")).isInstanceOf(ConnectException.class);
    }

    @Test
    void unknownModelLogsVllmsErrorAndExitsWithOne() throws Exception {
        Container c = new Container("c2", new ContainerSpec("vllm-bad", "vllm/vllm-openai:v0.11.0", freePort(), "nobody/no-such-model",
                List.of("--model", "nobody/no-such-model"), Map.of()));
        sim.spark("spark-1").containerBackend().start(c);
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < deadline && c.status() != Container.Status.EXITED) {
            Thread.sleep(10);
        }
        assertThat(c.status()).isEqualTo(Container.Status.EXITED);
        assertThat(c.exitCode()).isEqualTo(1);
        assertThat(c.logs()).anyMatch(l -> l.startsWith("OSError: nobody/no-such-model is not a local folder and is not a valid model identifier"));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
