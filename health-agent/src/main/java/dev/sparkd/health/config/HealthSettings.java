package dev.sparkd.health.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;

import dev.sparkd.core.config.DaemonSettings;
import dev.sparkd.core.config.Listen;
import dev.sparkd.core.config.SecretRef;
import dev.sparkd.health.state.State;

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
 * @param notifications     {@code [health.notify]}: where alerts go, and when
 * @param diskWarning       a models directory's file system at least this full (0..1) is a warning: the host is
 *                          DEGRADED and an alert goes out
 */
public record HealthSettings(Listen listen, Duration interval, Duration handshakeInterval, Duration timeout,
        int failureThreshold, int successThreshold, Duration retention, Duration cloudInterval, Duration hostInterval,
        Duration slowResponse, Thresholds defaults, Map<String, ServiceOverrides> services, Notify notifications,
        double diskWarning) implements DaemonSettings {

    public static final double DEFAULT_DISK_WARNING = 0.8;

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
     * {@code [health.notify]}: the alert policy and its channels.
     *
     * @param channels {@code [health.notify.channels.<name>]}
     * @param on       states that open a service's alert (DOWN by default); it resolves when the service serves again
     * @param repeat   while an alert is open, remind this often; absent = never
     */
    public record Notify(List<Channel> channels, Set<State> on, Optional<Duration> repeat) {
        public static final Notify NONE = new Notify(List.of(), Set.of(State.DOWN), Optional.empty());

        public Notify {
            channels = List.copyOf(channels);
            on = Set.copyOf(on);
        }
    }

    /** What a channel speaks. */
    public enum ChannelKind {
        /** POST of sparkd's JSON, or of {@code template} rendered. */
        WEBHOOK,
        /** ntfy's publish API: POST the message to {@code <server>/<topic>} with Title, Priority and Tags headers. */
        NTFY,
        /** Matrix client-server API: PUT an {@code m.room.message} to {@code /rooms/<room>/send/m.room.message/<txn>}. */
        MATRIX
    }

    /**
     * One notification channel.
     *
     * @param url         webhook: the URL; ntfy: {@code <server>/<topic>}; matrix: {@code …/rooms/<room>/send/m.room.message}
     * @param template    webhook: the body, with {@code {{placeholders}}}; absent = sparkd's JSON
     * @param contentType webhook: the body's content type
     * @param token       bearer token (ntfy access token, Matrix access token, webhook token), from a file
     * @param priority    ntfy: the priority of an alert (a resolution is always {@code default})
     * @param services    only alerts of these services (with {@code hosts}: of either); both empty = everything
     * @param hosts       only alerts of services on, and disks of, these hosts
     * @param retries     further attempts with exponential back-off
     */
    public record Channel(String name, ChannelKind kind, URI url, Optional<String> template, String contentType,
            Optional<SecretRef> token, String priority, Set<String> services, Set<String> hosts, int retries) {
        /** The placeholders a webhook template may use, as {@code {{name}}}. */
        public static final Set<String> PLACEHOLDERS = Set.of("event", "subject", "service", "host", "kind", "state", "from",
                "reason", "since", "at", "title", "message", "suite");
        public static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-z_]+)\\s*}}");

        public Channel {
            services = Set.copyOf(services);
            hosts = Set.copyOf(hosts);
        }

        /** Whether an alert about this service (null for a host's own alert) on this host goes to this channel. */
        public boolean covers(String service, String host) {
            return services.isEmpty() && hosts.isEmpty() || service != null && services.contains(service)
                    || host != null && hosts.contains(host);
        }
    }
}
