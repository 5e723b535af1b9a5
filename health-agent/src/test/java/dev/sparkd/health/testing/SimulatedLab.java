package dev.sparkd.health.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.cloud.OpenAiCloudServer;
import dev.sparkd.simulator.generation.Pace;
import dev.sparkd.simulator.testing.SshSparks;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The simulated lab of {@code health-test.toml}, on fixed loopback ports: a GB10 Spark with Ollama, vLLM and llama.cpp,
 * its SSH side (port 27422, keys in {@link #SSH_DIR}), and an OpenAI-style cloud. Tests reach it through {@link #sim()}
 * to inject faults.
 */
public class SimulatedLab implements QuarkusTestResourceLifecycleManager {
    public static final Path SSH_DIR = Path.of("target/health-test-ssh").toAbsolutePath();
    static final String SIM = """
            [simulator]
            control_port = 0
            default_ttft = "20ms"
            default_tokens_per_second = 200

            [vllm.models."Qwen/Qwen2.5-7B-Instruct"]
            load_delay = "500ms"
            ttft = "30ms"
            tokens_per_second = 200

            [ollama.library."llama3.2:3b"]
            load_delay = "50ms"
            ttft = "20ms"
            tokens_per_second = 200

            [sparks.spark-1]
            gpu = "gb10"
            disk_total = "3.7TB"
            disk_used = "420GB"
            models_path = "/usr/share/ollama/.ollama/models"

            [sparks.spark-1.services.ollama-1]
            kind = "ollama"
            port = 27434
            models = ["llama3.2:3b"]

            [sparks.spark-1.services.vllm-1]
            kind = "vllm"
            port = 27888
            model = "Qwen/Qwen2.5-7B-Instruct"
            served_model_name = "qwen2.5-7b"

            [sparks.spark-1.services.llamacpp-1]
            kind = "llamacpp"
            port = 27080
            model = "/models/gemma-3-12b-it-Q4_K_M.gguf"
            alias = "gemma-3-12b"
            parallel = 4
            metrics = true
            load_delay = "300ms"
            """;

    private static Simulator sim;
    private static OpenAiCloudServer cloud;

    public static Simulator sim() {
        return sim;
    }

    @Override
    public Map<String, String> start() {
        try {
            sim = SshSparks.start(SSH_DIR, SIM, 27422);
            String apiKey = Files.readString(Path.of("../daemon-core/src/test/resources/secrets/cloud-api-key")).strip();
            cloud = new OpenAiCloudServer(sim.vertx(), Set.of(apiKey), List.of(), new Pace(Duration.ofMillis(10), 0));
            cloud.start(27490).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("could not start the simulated lab: " + e, e);
        }
        return Map.of();
    }

    @Override
    public void stop() {
        if (cloud != null) {
            cloud.stop();
        }
        if (sim != null) {
            sim.close();
        }
        cloud = null;
        sim = null;
    }
}
