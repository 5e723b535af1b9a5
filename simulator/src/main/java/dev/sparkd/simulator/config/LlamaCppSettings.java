package dev.sparkd.simulator.config;

import dev.sparkd.simulator.generation.Pace;
import java.time.Duration;

/**
 * Settings of a simulated {@code llama-server}.
 *
 * @param modelPath {@code -m}: the GGUF path, which is also the model id /v1/models reports unless an alias is set
 * @param alias     {@code --alias}; null = none
 * @param parallel  {@code --parallel}: number of slots
 * @param ctxSize   {@code --ctx-size} (n_ctx of every slot)
 * @param metrics   {@code --metrics}: whether /metrics is enabled
 * @param loadDelay time spent "Loading model" (503 on /health) after start
 * @param pace      generation speed
 * @param buildInfo {@code build_info} / {@code system_fingerprint}, e.g. {@code b6100-abcdef12}
 * @param embeddings {@code --embeddings}: without it {@code /v1/embeddings} answers 501
 * @param reranking  {@code --reranking}: without it {@code /v1/rerank} answers 501
 */
public record LlamaCppSettings(String modelPath, String alias, int parallel, int ctxSize, boolean metrics,
                               Duration loadDelay, Pace pace, String buildInfo, boolean embeddings, boolean reranking) {

    public LlamaCppSettings(String modelPath, String alias, int parallel, int ctxSize, boolean metrics,
                            Duration loadDelay, Pace pace, String buildInfo, boolean embeddings) {
        this(modelPath, alias, parallel, ctxSize, metrics, loadDelay, pace, buildInfo, embeddings, false);
    }

    /** A server started without {@code --embeddings}. */
    public LlamaCppSettings(String modelPath, String alias, int parallel, int ctxSize, boolean metrics,
                            Duration loadDelay, Pace pace, String buildInfo) {
        this(modelPath, alias, parallel, ctxSize, metrics, loadDelay, pace, buildInfo, false);
    }

    public String modelId() {
        return alias != null ? alias : modelPath;
    }
}
