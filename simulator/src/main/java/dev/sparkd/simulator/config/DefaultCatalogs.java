package dev.sparkd.simulator.config;

import dev.sparkd.simulator.generation.Pace;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Models every simulator knows without configuration, with sizes and details as ollama.com and Hugging Face list
 * them, so a TOML only has to name them. Paces are left to the simulator-wide default.
 */
final class DefaultCatalogs {
    private DefaultCatalogs() {
    }

    static Map<String, OllamaModelSpec> ollama(Pace pace) {
        Map<String, OllamaModelSpec> m = new LinkedHashMap<>();
        put(m, new OllamaModelSpec("llama3.2:3b", 2_019_393_189L, "llama", "3.2B", "Q4_K_M", 131072, 3072, false, pace, Duration.ofMillis(300), 1));
        put(m, new OllamaModelSpec("llama3.2:latest", 2_019_393_189L, "llama", "3.2B", "Q4_K_M", 131072, 3072, false, pace, Duration.ofMillis(300), 1));
        put(m, new OllamaModelSpec("llama3.2:1b", 1_321_098_329L, "llama", "1.2B", "Q8_0", 131072, 2048, false, pace, Duration.ofMillis(200), 1));
        put(m, new OllamaModelSpec("llama3.1:8b", 4_920_753_328L, "llama", "8.0B", "Q4_K_M", 131072, 4096, false, pace, Duration.ofMillis(500), 1));
        put(m, new OllamaModelSpec("qwen2.5-coder:7b", 4_683_087_332L, "qwen2", "7.6B", "Q4_K_M", 32768, 3584, false, pace, Duration.ofMillis(500), 1));
        put(m, new OllamaModelSpec("qwen3:30b", 18_556_701_140L, "qwen3moe", "30.5B", "Q4_K_M", 40960, 2048, false, pace, Duration.ofSeconds(2), 1, true));
        put(m, new OllamaModelSpec("gpt-oss:20b", 13_780_173_724L, "gptoss", "20.9B", "MXFP4", 131072, 2880, false, pace, Duration.ofSeconds(2), 1, true));
        put(m, new OllamaModelSpec("nomic-embed-text:latest", 274_302_450L, "nomic-bert", "137M", "F16", 2048, 768, true, pace, Duration.ofMillis(100), 1));
        return m;
    }

    static Map<String, VllmModelSpec> vllm(Pace pace) {
        Map<String, VllmModelSpec> m = new LinkedHashMap<>();
        // sizes: the safetensors and configs on the Hub; gated = false so configs opt in (Llama is gated on the real Hub)
        m.put("Qwen/Qwen2.5-7B-Instruct", new VllmModelSpec("Qwen/Qwen2.5-7B-Instruct", Duration.ofSeconds(5), 32768, pace,
                false, false, 15_250_000_000L, false));
        m.put("Qwen/Qwen3-30B-A3B", new VllmModelSpec("Qwen/Qwen3-30B-A3B", Duration.ofSeconds(8), 40960, pace, true, false,
                61_070_000_000L, false));
        m.put("meta-llama/Llama-3.1-8B-Instruct", new VllmModelSpec("meta-llama/Llama-3.1-8B-Instruct", Duration.ofSeconds(6),
                131072, pace, false, false, 16_070_000_000L, false));
        m.put("openai/gpt-oss-120b", new VllmModelSpec("openai/gpt-oss-120b", Duration.ofSeconds(15), 131072, pace, true, false,
                65_250_000_000L, false));
        return m;
    }

    private static void put(Map<String, OllamaModelSpec> m, OllamaModelSpec spec) {
        m.put(spec.name(), spec);
    }
}
