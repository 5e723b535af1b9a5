package dev.sparkd.router.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.sparkd.core.config.DaemonSettings;
import dev.sparkd.core.config.Listen;

/**
 * {@code [router]}: the OpenAI-compatible endpoint, its routes, and the policy around them.
 *
 * @param allowKeyless        accept requests without an API key (only honoured on a loopback listener)
 * @param routes              what clients ask for as {@code model}, by name
 * @param timeouts            defaults for every target; {@code backends} override them per service
 * @param backends            per-service overrides, by service name
 * @param maxAttempts         targets tried for one request before giving up (each at most once)
 * @param retryBackoff        wait before the second attempt; doubles for each further attempt
 * @param breaker             circuit breaker per target
 * @param prices              USD per 1M tokens, by model name (cloud models; local models cost nothing)
 * @param budgets             spend limits per cloud service (provider), by service name
 * @param reserveOutputTokens output tokens reserved against a budget when a request names no {@code max_tokens}
 * @param stateInterval       how often live backend state (vLLM /metrics, Ollama /api/ps, /v1/models) is refreshed
 */
public record RouterSettings(Listen listen, boolean allowKeyless, Map<String, Route> routes, Timeouts timeouts,
        Map<String, Timeouts> backends, int maxAttempts, Duration retryBackoff, Breaker breaker, Map<String, Price> prices,
        Map<String, Budget> budgets, long reserveOutputTokens, Duration stateInterval) implements DaemonSettings {

    /**
     * {@code [router.routes.<name>]}: ordered targets and how to pick among them.
     *
     * @param kind what the route serves: chat (also completions, embeddings, Anthropic messages), audio or rerank
     */
    public record Route(String name, List<Target> targets, String strategy, boolean localOnly, Kind kind) {
    }

    /** What a route serves ({@code kind}); audio and rerank routes are local by rule: speech stays on the LAN. */
    public enum Kind {
        CHAT, AUDIO, RERANK;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A target: {@code service} or {@code service:model} (the model name may itself contain ':'). */
    public record Target(String service, String model) {
        @Override
        public String toString() {
            return model.isEmpty() ? service : service + ":" + model;
        }
    }

    /** Connect, first-token and idle limits of one upstream exchange. */
    public record Timeouts(Duration connect, Duration firstToken, Duration idle) {
    }

    /** Opens after {@code failures} consecutive failures; after {@code cooldown} one probe request is let through. */
    public record Breaker(int failures, Duration cooldown) {
    }

    /** USD per one million input and output tokens. */
    public record Price(double input, double output) {
        public double cost(long inputTokens, long outputTokens) {
            return (inputTokens * input + outputTokens * output) / 1_000_000.0;
        }
    }

    /** USD limits; 0 means no limit. */
    public record Budget(double daily, double monthly) {
    }
}
