package dev.sparkd.models;

import java.nio.file.Path;
import java.util.Map;

import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.testing.SshSparks;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The simulated Spark of {@code swap-page-test.toml}: SSH on 27622 (the simulator writes the client key and
 * known_hosts next to it) and a vLLM service on 27988 serving Qwen, so the swap page swaps for real.
 */
public class SimulatedSwapLab implements QuarkusTestResourceLifecycleManager {
    static final Path DIR = Path.of("target/swap-page-lab").toAbsolutePath();
    private static Simulator sim;

    public static Simulator sim() {
        return sim;
    }

    @Override
    public Map<String, String> start() {
        sim = SshSparks.start(DIR, """
                [simulator]
                default_tokens_per_second = 0

                [vllm.models."Qwen/Qwen2.5-7B-Instruct"]
                load_delay = "1500ms"

                [sparks.spark-1]
                disk_total = "100GB"
                disk_used = "10GB"
                vllm_models = ["Qwen/Qwen2.5-7B-Instruct"]

                [sparks.spark-1.services.vllm-1]
                kind = "vllm"
                port = 27988
                model = "Qwen/Qwen2.5-7B-Instruct"
                """, 27622);
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
