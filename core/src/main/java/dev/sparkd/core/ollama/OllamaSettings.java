package dev.sparkd.core.ollama;

import dev.sparkd.core.http.HttpTimeouts;
import java.time.Duration;
import java.util.Objects;

/**
 * Time limits for an {@link OllamaClient}.
 *
 * @param management limits for quick calls ({@code /api/tags}, {@code /api/ps}, show, copy, delete)
 * @param inference limits for generate and chat: {@code response} must cover loading the model
 *     (Ollama's own {@code OLLAMA_LOAD_TIMEOUT} defaults to 5 minutes) because Ollama sends no
 *     header before the model is loaded; {@code idle} is the longest pause between streamed chunks
 * @param pullIdle longest silence between pull progress lines; long, because "verifying sha256
 *     digest" re-hashes multi-gigabyte blobs without writing anything
 */
public record OllamaSettings(HttpTimeouts management, HttpTimeouts inference, Duration pullIdle) {

    /** Validates the values. */
    public OllamaSettings {
        Objects.requireNonNull(management, "management");
        Objects.requireNonNull(inference, "inference");
        Objects.requireNonNull(pullIdle, "pullIdle");
        if (pullIdle.isZero() || pullIdle.isNegative()) {
            throw new IllegalArgumentException("pullIdle must be positive");
        }
    }

    /** 5 s connect; management 30 s; inference 6 min to first byte, 2 min idle; pull idle 15 min. */
    public static OllamaSettings defaults() {
        return new OllamaSettings(
                HttpTimeouts.defaults(),
                new HttpTimeouts(Duration.ofSeconds(5), Duration.ofMinutes(6), Duration.ofMinutes(2)),
                Duration.ofMinutes(15));
    }

    /** A copy with another pull idle limit. */
    public OllamaSettings withPullIdle(Duration value) {
        return new OllamaSettings(management, inference, value);
    }

    /** A copy with other inference limits. */
    public OllamaSettings withInference(HttpTimeouts value) {
        return new OllamaSettings(management, value, pullIdle);
    }
}
