package dev.sparkd.health.handshake;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One inference handshake: "What is 2+2? Reply with just the number." against one model.
 *
 * @param passed          the answer was 4
 * @param answer          what the model said (trimmed, at most 40 characters)
 * @param ttftSeconds     time to first token, when any token came
 * @param tokensPerSecond generation speed, when measurable
 * @param reason          why it failed or was slow; null when it passed within thresholds
 * @param skipped         no handshake ran (no model loaded and none declared); {@code reason} says why
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HandshakeResult(@JsonProperty("at") Instant at, @JsonProperty("model") String model,
        @JsonProperty("passed") boolean passed, @JsonProperty("answer") String answer,
        @JsonProperty("ttft_seconds") Double ttftSeconds, @JsonProperty("tokens_per_second") Double tokensPerSecond,
        @JsonProperty("reason") String reason, @JsonProperty("skipped") boolean skipped) {

    public static HandshakeResult skipped(String model, String reason) {
        return new HandshakeResult(Instant.now(), model, false, null, null, null, reason, true);
    }

    /** Whether it makes the service DEGRADED: it ran, and failed or was slower than the thresholds. */
    public boolean degrades() {
        return !skipped && reason != null;
    }
}
