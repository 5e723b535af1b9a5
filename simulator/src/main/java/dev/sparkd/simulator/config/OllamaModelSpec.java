package dev.sparkd.simulator.config;

import dev.sparkd.simulator.generation.Pace;
import java.time.Duration;

/**
 * One model of the simulated Ollama registry (what {@code ollama pull NAME} would fetch).
 *
 * @param name            full name with tag, e.g. {@code llama3.2:3b}
 * @param size            total bytes of all layers, as {@code /api/tags} reports it
 * @param family          {@code details.family}, e.g. {@code llama}
 * @param parameterSize   {@code details.parameter_size}, e.g. {@code 3.2B}
 * @param quantization    {@code details.quantization_level}, e.g. {@code Q4_K_M}
 * @param contextLength   the model's trained context length ({@code /api/show} model_info, {@code /api/ps} context_length)
 * @param embeddingLength embedding width, used by {@code /api/embed}
 * @param embeddingOnly   an embedding model: {@code /api/generate} answers 400 "does not support generate"
 * @param pace            generation speed once loaded
 * @param loadDelay       time to load into memory on first use ({@code load_duration})
 * @param revision        bump it to publish "a newer version of the tag": changes the weights' digest and the manifest digest
 * @param thinking        the {@code thinking} capability (qwen3, gpt-oss): thinks by default, thinking counts against num_predict
 */
public record OllamaModelSpec(String name, long size, String family, String parameterSize, String quantization,
                              int contextLength, int embeddingLength, boolean embeddingOnly, Pace pace,
                              Duration loadDelay, int revision, boolean thinking) {

    /** A model without the thinking capability. */
    public OllamaModelSpec(String name, long size, String family, String parameterSize, String quantization,
                           int contextLength, int embeddingLength, boolean embeddingOnly, Pace pace,
                           Duration loadDelay, int revision) {
        this(name, size, family, parameterSize, quantization, contextLength, embeddingLength, embeddingOnly, pace,
                loadDelay, revision, false);
    }

    public OllamaModelSpec withRevision(int newRevision, long newSize) {
        return new OllamaModelSpec(name, newSize, family, parameterSize, quantization, contextLength, embeddingLength,
                embeddingOnly, pace, loadDelay, newRevision, thinking);
    }

    /** gpt-oss ignores {@code think:false}: only the effort ("low", "medium", "high") can change (routes.go). */
    public boolean thinkingAlwaysOn() {
        return thinking && family.equals("gptoss");
    }
}
