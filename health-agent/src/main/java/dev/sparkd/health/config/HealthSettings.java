package dev.sparkd.health.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import dev.sparkd.core.config.DaemonSettings;
import dev.sparkd.core.config.Listen;
import dev.sparkd.core.config.SecretRef;

/**
 * {@code [health]}: how often and how strictly the health-agent probes.
 *
 * @param interval          time between probes of each service
 * @param handshakeInterval time between inference handshakes (a tiny generation) per service
 * @param timeout           per-probe timeout
 * @param failureThreshold  consecutive failed probes before a service leaves UP
 * @param successThreshold  consecutive good probes before it returns to UP
 * @param retention         how long incidents and state history are kept
 * @param cloudInterval     time between probes of {@code openai} (cloud) services: {@code GET /v1/models} only
 * @param hostInterval      time between SSH telemetry rounds per host
 * @param slowResponse      a health answer slower than this makes the service DEGRADED
 * @param defaults          thresholds for every service, overridden per service
 * @param services          {@code [health.services.<name>]}: per-service overrides
 * @param webhook           {@code [health.webhook]}: where state changes are posted, if anywhere
 */
public record HealthSettings(Listen listen, Duration interval, Duration handshakeInterval, Duration timeout,
        int failureThreshold, int successThreshold, Duration retention, Duration cloudInterval, Duration hostInterval,
        Duration slowResponse, Thresholds defaults, Map<String, ServiceOverrides> services, Optional<Webhook> webhook)
        implements DaemonSettings {

    public HealthSettings {
        services = Map.copyOf(services);
    }

    /** The effective thresholds of one service. */
    public Thresholds thresholds(String service) {
        ServiceOverrides o = services.get(service);
        return o == null ? defaults : o.thresholds().over(defaults);
    }

    public Optional<ServiceOverrides> overrides(String service) {
        return Optional.ofNullable(services.get(service));
    }

    /**
     * Load and speed limits; absent means "not checked".
     *
     * @param maxQueue            vLLM {@code num_requests_waiting} / llama.cpp deferred requests above this: DEGRADED
     * @param maxKvCache          vLLM KV-cache use (0..1) above this: DEGRADED
     * @param handshakeMaxTtft    handshake time to first token above this: DEGRADED
     * @param handshakeMinTokensPerSecond handshake generation speed below this: DEGRADED
     */
    public record Thresholds(OptionalDouble maxQueue, OptionalDouble maxKvCache, Optional<Duration> handshakeMaxTtft,
            OptionalDouble handshakeMinTokensPerSecond) {
        Thresholds over(Thresholds base) {
            return new Thresholds(maxQueue.isPresent() ? maxQueue : base.maxQueue,
                    maxKvCache.isPresent() ? maxKvCache : base.maxKvCache,
                    handshakeMaxTtft.isPresent() ? handshakeMaxTtft : base.handshakeMaxTtft,
                    handshakeMinTokensPerSecond.isPresent() ? handshakeMinTokensPerSecond : base.handshakeMinTokensPerSecond);
        }
    }

    /**
     * {@code [health.services.<name>]}.
     *
     * @param handshakeModel the model the handshake uses; absent = the served one (vLLM, llama.cpp) or one already
     *                       loaded (Ollama), never a cold load
     * @param handshake      false turns the handshake off for this service
     * @param interval       probe interval for this service
     */
    public record ServiceOverrides(Optional<String> handshakeModel, boolean handshake, Optional<Duration> interval,
            Thresholds thresholds) {
    }

    /**
     * {@code [health.webhook]}.
     *
     * @param url     where to POST
     * @param format  {@code json} (sparkd's own body), {@code ntfy} or {@code matrix}
     * @param token   bearer token (ntfy access token, Matrix access token), by reference
     * @param retries attempts after the first one, with exponential back-off
     */
    public record Webhook(URI url, String format, Optional<SecretRef> token, int retries) {
    }
}
