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
 * @param ledgerRetention     how long ledger rows are kept (never less than the current budget month)
 * @param limits              the largest request, upstream answer and stream event the router holds in memory
 * @param maxInFlight         requests in flight per service, by service name ({@code [router.backends.<name>]
 *                            max_in_flight}); a service not named takes the limit it reports itself (llama.cpp slots)
 * @param idempotency         how long, and in how many bytes, answers to requests with an {@code Idempotency-Key} are kept
 */
public record RouterSettings(Listen listen, boolean allowKeyless, Map<String, Route> routes, Timeouts timeouts,
        Map<String, Timeouts> backends, int maxAttempts, Duration retryBackoff, Breaker breaker, Map<String, Price> prices,
        Map<String, Budget> budgets, long reserveOutputTokens, Duration stateInterval, Duration ledgerRetention, Limits limits,
        Map<String, Integer> maxInFlight, Idempotency idempotency) implements DaemonSettings {

    /**
     * {@code [router.routes.<name>]}: ordered targets and how to pick among them, what happens when every target is
     * at its {@code max_in_flight}, and the optional answer cache.
     *
     * @param kind what the route serves: chat (also completions, embeddings, Anthropic messages), audio or rerank
     */
    public record Route(String name, List<Target> targets, String strategy, boolean localOnly, WhenFull whenFull,
            int queueSize, Duration queueTimeout, Cache cache, Kind kind) {

        public boolean sticky() {
            return "sticky".equals(strategy);
        }
    }

    /** What a request does when the targets it may use are all at their {@code max_in_flight}. */
    public enum WhenFull {
        /** Skip full targets for the next one; when all are full, 429 with {@code Retry-After}. */
        NEXT,
        /** Like NEXT, but when all are full wait (bounded queue, bounded time) for a free slot, then 429. */
        QUEUE,
        /** A full target is not skipped: 429 with {@code Retry-After} at once (e.g. never spill to the cloud). */
        REJECT
    }

    /**
     * An exact-match answer cache of one route: non-streamed answers kept for {@code ttl}, at most {@code maxBytes} of
     * them, per API key. {@code localOnly}: local-only requests may use it too.
     */
    public record Cache(Duration ttl, long maxBytes, boolean localOnly) {
    }

    /** {@code [router.idempotency]}: answers kept for {@code window}, at most {@code maxBytes} of them (0 = off). */
    public record Idempotency(Duration window, long maxBytes) {
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

    /**
     * Sizes the router buffers whole, so that none of them can exhaust the daemon's small heap ({@code jvm/daemon.options}).
     *
     * @param requestBytes  a client's request body ({@code max_request_size}); larger is refused with 413 while reading
     * @param responseBytes an upstream's whole (non-streamed) answer ({@code max_response_size}); larger fails the attempt
     * @param eventBytes    one server-sent event of an upstream stream ({@code max_event_size}); larger fails the attempt
     * @param bufferedBytes request bodies being read and parsed at once, all together ({@code max_buffered_size});
     *                      a body that does not fit is refused with 503 and Retry-After
     */
    public record Limits(long requestBytes, long responseBytes, long eventBytes, long bufferedBytes) {
    }

    /** USD limits; 0 means no limit. */
    public record Budget(double daily, double monthly) {
    }
}
