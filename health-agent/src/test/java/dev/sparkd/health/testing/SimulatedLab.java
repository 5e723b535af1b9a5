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
import dev.sparkd.simulator.testing.SimToml;
import dev.sparkd.simulator.testing.SshSparks;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The simulated lab of {@code health-test.toml}, on fixed loopback ports: a GB10 Spark with Ollama, vLLM and llama.cpp
 * ({@code simulated-lab.toml}), its SSH side (port 27422, keys in {@link #SSH_DIR}), and an OpenAI-style cloud. Tests
 * reach it through {@link #sim()} to inject faults.
 */
public class SimulatedLab implements QuarkusTestResourceLifecycleManager {
    public static final Path SSH_DIR = Path.of("target/health-test-ssh").toAbsolutePath();
    private static Simulator sim;
    private static OpenAiCloudServer cloud;

    public static Simulator sim() {
        return sim;
    }

    @Override
    public Map<String, String> start() {
        try {
            sim = SshSparks.start(SSH_DIR, SimToml.read("src/test/resources/simulated-lab.toml"), 27422);
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
