package dev.sparkd.models;

import java.nio.file.Path;
import java.util.Map;

import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.testing.SimToml;
import dev.sparkd.simulator.testing.SshSparks;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The simulated Spark of {@code swap-page-test.toml} ({@code swap-page-sim.toml}): SSH on 27622 (the simulator writes
 * the client key and known_hosts next to it) and a vLLM service on 27988 serving Qwen, so the swap page swaps for real.
 */
public class SimulatedSwapLab implements QuarkusTestResourceLifecycleManager {
    static final Path DIR = Path.of("target/swap-page-lab").toAbsolutePath();
    private static Simulator sim;

    public static Simulator sim() {
        return sim;
    }

    @Override
    public Map<String, String> start() {
        sim = SshSparks.start(DIR, SimToml.read("src/test/resources/swap-page-sim.toml"), 27622);
        return Map.of();
    }

    @Override
    public void stop() {
        if (sim != null) {
            sim.close();
            sim = null;
        }
    }
}
