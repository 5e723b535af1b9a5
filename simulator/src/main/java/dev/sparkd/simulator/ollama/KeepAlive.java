package dev.sparkd.simulator.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkd.core.config.Durations;
import java.time.Duration;

/**
 * Ollama's {@code keep_alive}: a duration string ({@code "10m"}), a number of seconds, negative = keep loaded forever,
 * {@code 0} = unload right after the request (api/types.go Duration.UnmarshalJSON).
 */
final class KeepAlive {
    static final Duration FOREVER = Duration.ofDays(365L * 290);

    private KeepAlive() {
    }

    /** The requested keep-alive, or {@code fallback} when absent. */
    static Duration parse(JsonNode node, Duration fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (node.isNumber()) {
            double s = node.asDouble();
            return s < 0 ? FOREVER : Duration.ofMillis(Math.round(s * 1000));
        }
        String text = node.asText().trim();
        if (text.startsWith("-")) {
            return FOREVER;
        }
        // Go's time.ParseDuration, as Ollama uses it: units required, except for a plain "0".
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        return Durations.parse(text).orElseThrow(() -> new IllegalArgumentException("time: invalid duration \"" + text + "\""));
    }
}
