package dev.sparkd.simulator.llamacpp;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The counters behind llama-server's {@code /metrics} (ggml-org/llama.cpp {@code tools/server/server.cpp}
 * handle_metrics): names, help texts, types and order as upstream, numbers printed the way a C++ stream prints them.
 */
final class LlamaCppMetrics {
    private long promptTokens;
    private double promptMillis;
    private long predictedTokens;
    private double predictedMillis;
    private long decodeCalls;
    private long busySlotsTotal;
    private long nTokensMax;

    synchronized void prompt(int tokens, double millis) {
        promptTokens += tokens;
        promptMillis += millis;
        nTokensMax = Math.max(nTokensMax, tokens);
    }

    /** One generated token: one llama_decode() call with {@code busySlots} slots in the batch. */
    synchronized void predicted(double millis, int busySlots, int contextTokens) {
        predictedTokens++;
        predictedMillis += millis;
        decodeCalls++;
        busySlotsTotal += busySlots;
        nTokensMax = Math.max(nTokensMax, contextTokens);
    }

    synchronized long promptTokens() {
        return promptTokens;
    }

    synchronized long predictedTokens() {
        return predictedTokens;
    }

    synchronized String render(int processing, int deferred) {
        StringBuilder out = new StringBuilder(2048);
        metric(out, "prompt_tokens_total", "counter", "Number of prompt tokens processed.", promptTokens);
        metric(out, "prompt_seconds_total", "counter", "Prompt process time", (long) promptMillis / 1e3);
        metric(out, "tokens_predicted_total", "counter", "Number of generation tokens processed.", predictedTokens);
        metric(out, "tokens_predicted_seconds_total", "counter", "Predict process time", (long) predictedMillis / 1e3);
        metric(out, "n_decode_total", "counter", "Total number of llama_decode() calls", decodeCalls);
        metric(out, "n_tokens_max", "counter", "Largest observed n_tokens.", nTokensMax);
        metric(out, "n_busy_slots_per_decode", "counter", "Average number of busy slots per llama_decode() call",
                (float) busySlotsTotal / Math.max((float) decodeCalls, 1f));
        metric(out, "prompt_tokens_seconds", "gauge", "Average prompt throughput in tokens/s.",
                promptTokens > 0 && promptMillis > 0 ? 1e3 / promptMillis * promptTokens : 0);
        metric(out, "predicted_tokens_seconds", "gauge", "Average generation throughput in tokens/s.",
                predictedTokens > 0 && predictedMillis > 0 ? 1e3 / predictedMillis * predictedTokens : 0);
        metric(out, "requests_processing", "gauge", "Number of requests processing.", processing);
        metric(out, "requests_deferred", "gauge", "Number of requests deferred.", deferred);
        return out.toString();
    }

    private static void metric(StringBuilder out, String name, String type, String help, double value) {
        out.append("# HELP llamacpp:").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE llamacpp:").append(name).append(' ').append(type).append('\n');
        out.append("llamacpp:").append(name).append(' ').append(cpp(value)).append('\n');
    }

    /** {@code std::ostream << double} with default precision: 6 significant digits, no trailing zeros. */
    static String cpp(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return Long.toString((long) v);
        }
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
