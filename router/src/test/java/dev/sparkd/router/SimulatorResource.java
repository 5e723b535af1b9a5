package dev.sparkd.router;

import java.nio.file.Path;
import java.util.Map;

import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.config.SimConfig;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts the simulated Spark and cloud providers, and the capturing compatible upstream, on the fixed ports
 * {@code router-test.toml} names.
 */
public class SimulatorResource implements QuarkusTestResourceLifecycleManager {
    static volatile Simulator sim;
    static volatile CaptureUpstream capture;

    @Override
    public Map<String, String> start() {
        try {
            capture = new CaptureUpstream();
        } catch (Exception e) {
            throw new IllegalStateException("capturing upstream on port " + CaptureUpstream.PORT, e);
        }
        sim = Simulator.start(SimConfig.parse("""
                [simulator]
                default_ttft = "5ms"
                default_tokens_per_second = 0

                [cloud.openai]
                port = 38490
                api_key_file = "daemon-core/src/test/resources/secrets/cloud-api-key"
                ttft = "5ms"
                tokens_per_second = 0

                [cloud.anthropic]
                port = 38491
                api_key_file = "daemon-core/src/test/resources/secrets/cloud-api-key"
                ttft = "5ms"
                tokens_per_second = 0

                [vllm.models."Qwen/Qwen2.5-7B-Instruct"]
                load_delay = "0ms"
                ttft = "5ms"
                tokens_per_second = 0

                [vllm.models."openai/whisper-large-v3"]
                load_delay = "0ms"

                [vllm.models."BAAI/bge-reranker-v2-m3"]
                load_delay = "0ms"

                [sparks.spark-1]
                gpu = "gb10"

                [sparks.spark-1.services.vllm-whisper]
                kind = "vllm"
                port = 38889
                model = "openai/whisper-large-v3"

                [sparks.spark-1.services.vllm-rerank]
                kind = "vllm"
                port = 38886
                model = "BAAI/bge-reranker-v2-m3"

                [sparks.spark-1.services.ollama-1]
                kind = "ollama"
                port = 38434
                models = ["llama3.2:3b", "nomic-embed-text"]

                [sparks.spark-1.services.vllm-1]
                kind = "vllm"
                port = 38888
                model = "Qwen/Qwen2.5-7B-Instruct"

                [sparks.spark-1.services.vllm-old]
                kind = "vllm"
                port = 38887
                model = "Qwen/Qwen2.5-7B-Instruct"
                version = "0.10.0"

                [sparks.spark-1.services.llamacpp-1]
                kind = "llamacpp"
                port = 38480
                load_delay = "0ms"
                """, Path.of("..").toAbsolutePath().normalize()));
        return Map.of();
    }

    @Override
    public void stop() {
        if (capture != null) {
            capture.close();
        }
        if (sim != null) {
            sim.close();
        }
    }
}
