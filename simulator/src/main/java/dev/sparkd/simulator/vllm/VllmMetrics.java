package dev.sparkd.simulator.vllm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine metrics a vLLM server exports on {@code /metrics}, kept consistent with the requests it actually serves.
 * Names, help texts, label names and histogram buckets follow vllm-project/vllm {@code vllm/v1/metrics/loggers.py}
 * ({@code PrometheusStatLogger}); counters are declared without {@code _total} there and exposed with it by
 * prometheus_client. Servers configured as a version before 0.10 export {@code vllm:gpu_cache_usage_perc} instead of
 * {@code vllm:kv_cache_usage_perc} (renamed in vllm-project/vllm PR #18354).
 */
final class VllmMetrics {
    private static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0,
            2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
    private static final double[] LATENCY_BUCKETS = {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0,
            50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};

    private final String labels;
    private final boolean legacyNames;
    private final Histogram ttft = new Histogram(TTFT_BUCKETS);
    private final Histogram e2e = new Histogram(LATENCY_BUCKETS);
    private final Map<String, Long> success = new LinkedHashMap<>();
    private long promptTokens;
    private long generationTokens;

    VllmMetrics(String servedModelName, boolean legacyNames) {
        this.labels = "model_name=\"" + servedModelName.replace("\"", "\\\"") + "\",engine=\"0\"";
        this.legacyNames = legacyNames;
        for (String reason : new String[] {"stop", "length", "abort"}) {
            success.put(reason, 0L);
        }
    }

    /** Prefill done and the first token out, {@code seconds} after the request arrived (queue time included). */
    synchronized void firstToken(int prompt, double seconds) {
        promptTokens += prompt;
        ttft.observe(seconds);
    }

    synchronized void generated(int tokens) {
        generationTokens += tokens;
    }

    synchronized void finished(String reason, double seconds) {
        success.merge(reason, 1L, Long::sum);
        e2e.observe(seconds);
    }

    synchronized long promptTokens() {
        return promptTokens;
    }

    synchronized long generationTokens() {
        return generationTokens;
    }

    synchronized String render(int running, int waiting, double kvUsage) {
        StringBuilder out = new StringBuilder(8192);
        PromText.family(out, "vllm:num_requests_running", "gauge", "Number of requests in model execution batches.");
        out.append("vllm:num_requests_running{").append(labels).append("} ").append(PromText.number(running)).append('\n');
        PromText.family(out, "vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.");
        out.append("vllm:num_requests_waiting{").append(labels).append("} ").append(PromText.number(waiting)).append('\n');
        if (legacyNames) {
            PromText.family(out, "vllm:gpu_cache_usage_perc", "gauge", "GPU KV-cache usage. 1 means 100 percent usage.");
            out.append("vllm:gpu_cache_usage_perc{").append(labels).append("} ").append(PromText.number(kvUsage)).append('\n');
        } else {
            PromText.family(out, "vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.");
            out.append("vllm:kv_cache_usage_perc{").append(labels).append("} ").append(PromText.number(kvUsage)).append('\n');
        }
        PromText.family(out, "vllm:prompt_tokens_total", "counter", "Number of prefill tokens processed.");
        out.append("vllm:prompt_tokens_total{").append(labels).append("} ").append(PromText.number(promptTokens)).append('\n');
        PromText.family(out, "vllm:generation_tokens_total", "counter", "Number of generation tokens processed.");
        out.append("vllm:generation_tokens_total{").append(labels).append("} ").append(PromText.number(generationTokens)).append('\n');
        PromText.family(out, "vllm:request_success_total", "counter", "Count of successfully processed requests.");
        success.forEach((reason, n) -> out.append("vllm:request_success_total{").append(labels)
                .append(",finished_reason=\"").append(reason).append("\"} ").append(PromText.number(n)).append('\n'));
        PromText.family(out, "vllm:time_to_first_token_seconds", "histogram", "Histogram of time to first token in seconds.");
        ttft.render(out, "vllm:time_to_first_token_seconds", labels);
        PromText.family(out, "vllm:e2e_request_latency_seconds", "histogram", "Histogram of e2e request latency in seconds.");
        e2e.render(out, "vllm:e2e_request_latency_seconds", labels);
        return out.toString();
    }
}
