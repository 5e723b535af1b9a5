package dev.sparkd.core.prometheus;

import java.util.OptionalDouble;

/**
 * What a llama.cpp {@code llama-server --metrics} exposes, read tolerantly across versions.
 *
 * <p>Names from ggml-org/llama.cpp {@code tools/server} (the {@code llamacpp:} prefix, one
 * unlabelled sample each). Version differences handled here: {@code llamacpp:kv_cache_usage_ratio}
 * and {@code llamacpp:kv_cache_tokens} were removed upstream (PR #13660), so they are optional
 * (fall back to {@code /slots}); speculative-decoding counters arrived as
 * {@code llamacpp:spec_decode_num_draft_tokens_total} / {@code _accepted_tokens_total} (PR #26389),
 * while llama.cpp derivatives (LLaMA Box) documented {@code llamacpp:tokens_drafted_total} /
 * {@code llamacpp:tokens_drafted_accepted_total}; both spellings are read.
 * {@code llamacpp:n_busy_slots_per_decode} changed type from counter to gauge; its name did not.
 *
 * @param requestsProcessing busy slots
 * @param requestsDeferred requests waiting for a slot
 * @param promptTokensTotal prompt tokens processed (newer builds: excluding cached ones)
 * @param promptSecondsTotal time spent on prompts
 * @param tokensPredictedTotal tokens generated
 * @param tokensPredictedSecondsTotal time spent generating
 * @param promptTokensPerSecond average prompt throughput
 * @param predictedTokensPerSecond average generation throughput
 * @param decodeCallsTotal {@code llama_decode()} calls
 * @param busySlotsPerDecode average busy slots per decode call
 * @param maxTokensObserved context high-water mark
 * @param kvCacheUsageRatio KV cache usage 0..1 (old builds only)
 * @param kvCacheTokens tokens in the KV cache (old builds only)
 * @param promptTokensCachedTotal prompt tokens reused from the cache (new builds only)
 * @param draftTokensTotal speculative draft tokens proposed
 * @param draftTokensAcceptedTotal speculative draft tokens accepted
 */
public record LlamaCppMetrics(OptionalDouble requestsProcessing, OptionalDouble requestsDeferred,
                              OptionalDouble promptTokensTotal, OptionalDouble promptSecondsTotal,
                              OptionalDouble tokensPredictedTotal, OptionalDouble tokensPredictedSecondsTotal,
                              OptionalDouble promptTokensPerSecond, OptionalDouble predictedTokensPerSecond,
                              OptionalDouble decodeCallsTotal, OptionalDouble busySlotsPerDecode,
                              OptionalDouble maxTokensObserved, OptionalDouble kvCacheUsageRatio,
                              OptionalDouble kvCacheTokens, OptionalDouble promptTokensCachedTotal,
                              OptionalDouble draftTokensTotal, OptionalDouble draftTokensAcceptedTotal) {

    /** Reads the llama.cpp metrics out of a parsed exposition. */
    public static LlamaCppMetrics from(Exposition m) {
        return new LlamaCppMetrics(
                first(m, "llamacpp:requests_processing"),
                first(m, "llamacpp:requests_deferred"),
                first(m, "llamacpp:prompt_tokens_total"),
                first(m, "llamacpp:prompt_seconds_total"),
                first(m, "llamacpp:tokens_predicted_total"),
                first(m, "llamacpp:tokens_predicted_seconds_total"),
                first(m, "llamacpp:prompt_tokens_seconds"),
                first(m, "llamacpp:predicted_tokens_seconds"),
                first(m, "llamacpp:n_decode_total"),
                first(m, "llamacpp:n_busy_slots_per_decode"),
                first(m, "llamacpp:n_tokens_max"),
                first(m, "llamacpp:kv_cache_usage_ratio"),
                first(m, "llamacpp:kv_cache_tokens"),
                first(m, "llamacpp:prompt_tokens_cached_total"),
                first(m, "llamacpp:spec_decode_num_draft_tokens_total", "llamacpp:spec_decode_num_draft_tokens",
                        "llamacpp:tokens_drafted_total"),
                first(m, "llamacpp:spec_decode_num_accepted_tokens_total", "llamacpp:spec_decode_num_accepted_tokens",
                        "llamacpp:tokens_drafted_accepted_total"));
    }

    /** Whether the exposition looked like llama.cpp at all. */
    public boolean present() {
        return requestsProcessing.isPresent() || tokensPredictedTotal.isPresent();
    }

    private static OptionalDouble first(Exposition m, String... names) {
        for (String name : names) {
            OptionalDouble value = m.sum(name, s -> true);
            if (value.isPresent()) {
                return value;
            }
        }
        return OptionalDouble.empty();
    }
}
