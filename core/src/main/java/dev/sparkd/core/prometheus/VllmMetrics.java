package dev.sparkd.core.prometheus;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The load and throughput figures the health-agent and router read from a vLLM {@code /metrics}.
 *
 * <p>Names follow vllm-project/vllm {@code vllm/v1/metrics/loggers.py} ({@code PrometheusStatLogger}).
 * Counters are declared without {@code _total} there and exposed with it by prometheus_client.
 * Renamed metrics are read under both names: {@code vllm:kv_cache_usage_perc} (current) or
 * {@code vllm:gpu_cache_usage_perc} (deprecated in 0.9, later hidden), and
 * {@code vllm:prefix_cache_*} or {@code vllm:gpu_prefix_cache_*}. Series carry {@code model_name}
 * and {@code engine} labels; with several engines (data parallel) gauges and counters are summed and
 * the KV cache usage is the fullest engine's, because that engine is what queues next.
 *
 * @param modelNames distinct {@code model_name} label values seen
 * @param requestsRunning requests in model execution batches
 * @param requestsWaiting queued requests
 * @param kvCacheUsage KV cache usage, 0..1
 * @param kvCacheMetric which metric name supplied {@code kvCacheUsage}, or {@code null}
 * @param promptTokensTotal prefill tokens processed
 * @param generationTokensTotal tokens generated
 * @param prefixCacheQueriesTotal prefix-cache token queries
 * @param prefixCacheHitsTotal prefix-cache token hits
 * @param preemptionsTotal preemptions
 * @param requestsFinishedTotal finished requests, all finish reasons
 * @param timeToFirstToken TTFT histogram summary (seconds), all engines together
 */
public record VllmMetrics(Set<String> modelNames, OptionalDouble requestsRunning, OptionalDouble requestsWaiting,
                          OptionalDouble kvCacheUsage, String kvCacheMetric,
                          OptionalDouble promptTokensTotal, OptionalDouble generationTokensTotal,
                          OptionalDouble prefixCacheQueriesTotal, OptionalDouble prefixCacheHitsTotal,
                          OptionalDouble preemptionsTotal, OptionalDouble requestsFinishedTotal,
                          Optional<HistogramSummary> timeToFirstToken) {

    /** Current name of the KV cache gauge. */
    public static final String KV_CACHE_USAGE = "vllm:kv_cache_usage_perc";
    /** Name of the KV cache gauge before vLLM 0.9 renamed it. */
    public static final String GPU_CACHE_USAGE_LEGACY = "vllm:gpu_cache_usage_perc";

    /** Freezes the model names. */
    public VllmMetrics {
        modelNames = Set.copyOf(modelNames);
    }

    /** Reads every model the exposition reports on. */
    public static VllmMetrics from(Exposition metrics) {
        return from(metrics, s -> true);
    }

    /** Reads only the series whose {@code model_name} label equals {@code modelName}. */
    public static VllmMetrics from(Exposition metrics, String modelName) {
        return from(metrics, s -> modelName.equals(s.label("model_name")));
    }

    /** Whether the exposition looked like vLLM at all (any scheduler gauge present). */
    public boolean present() {
        return requestsRunning.isPresent() || requestsWaiting.isPresent() || kvCacheUsage.isPresent();
    }

    private static VllmMetrics from(Exposition m, Predicate<Sample> filter) {
        Set<String> models = new TreeSet<>();
        m.samples("vllm:num_requests_running", filter).forEach(s -> {
            if (s.label("model_name") != null) {
                models.add(s.label("model_name"));
            }
        });
        OptionalDouble kv = m.max(KV_CACHE_USAGE, filter);
        String kvName = kv.isPresent() ? KV_CACHE_USAGE : null;
        if (kv.isEmpty()) {
            kv = m.max(GPU_CACHE_USAGE_LEGACY, filter);
            kvName = kv.isPresent() ? GPU_CACHE_USAGE_LEGACY : null;
        }
        List<Histogram> ttft = m.histograms("vllm:time_to_first_token_seconds", filter);
        Optional<HistogramSummary> ttftSummary = ttft.isEmpty() ? Optional.empty()
                : Optional.of(HistogramSummary.of(Histogram.sum(java.util.Map.of(), ttft)));
        return new VllmMetrics(models,
                m.sum("vllm:num_requests_running", filter),
                m.sum("vllm:num_requests_waiting", filter),
                kv, kvName,
                m.sum("vllm:prompt_tokens_total", filter),
                m.sum("vllm:generation_tokens_total", filter),
                either(m, "vllm:prefix_cache_queries_total", "vllm:gpu_prefix_cache_queries_total", filter),
                either(m, "vllm:prefix_cache_hits_total", "vllm:gpu_prefix_cache_hits_total", filter),
                m.sum("vllm:num_preemptions_total", filter),
                m.sum("vllm:request_success_total", filter),
                ttftSummary);
    }

    private static OptionalDouble either(Exposition m, String current, String legacy, Predicate<Sample> filter) {
        OptionalDouble value = m.sum(current, filter);
        return value.isPresent() ? value : m.sum(legacy, filter);
    }
}
