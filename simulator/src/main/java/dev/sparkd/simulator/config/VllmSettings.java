package dev.sparkd.simulator.config;

/**
 * Settings of a simulated vLLM server ({@code vllm serve MODEL ...}).
 *
 * @param model            the model served ({@code vllm serve MODEL}); must be one of {@code [vllm.models]}
 * @param servedModelName  {@code --served-model-name}; null = the model id
 * @param maxNumSeqs       {@code --max-num-seqs}: requests running at once; more wait (num_requests_waiting)
 * @param maxModelLen      {@code --max-model-len}; 0 = the model's default
 * @param kvCacheTokens    KV-cache capacity in tokens, the denominator of kv_cache_usage_perc
 * @param reasoningParser  {@code --reasoning-parser} (e.g. {@code qwen3}); null = reasoning stays in the content
 * @param gpuMemoryUtilization {@code --gpu-memory-utilization}: the share of the pool its container holds (vLLM's 0.9)
 */
public record VllmSettings(String model, String servedModelName, int maxNumSeqs, int maxModelLen, long kvCacheTokens,
                           String reasoningParser, double gpuMemoryUtilization) {
}
