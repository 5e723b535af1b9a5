package dev.sparkd.health.fleet;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.sparkd.health.handshake.HandshakeResult;
import dev.sparkd.health.probe.Load;

/**
 * What the agent knows about one service right now. {@code state} is null (shown as {@code UNKNOWN}) until the first
 * probe finished.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceStatus(@JsonProperty("name") String name, @JsonProperty("kind") String kind,
        @JsonProperty("host") String host, @JsonProperty("state") String state, @JsonProperty("reason") String reason,
        @JsonProperty("since") Instant since, @JsonProperty("last_probe_at") Instant lastProbeAt,
        @JsonProperty("latency_ms") Double latencyMs, @JsonProperty("http_status") Integer httpStatus,
        @JsonProperty("consecutive_failures") int consecutiveFailures, @JsonProperty("load") Load load,
        @JsonProperty("handshake") HandshakeResult handshake) {

    public static final String UNKNOWN = "UNKNOWN";

    /** UP or DEGRADED: answers 200 and exits 0. */
    public boolean available() {
        return "UP".equals(state) || "DEGRADED".equals(state);
    }
}
