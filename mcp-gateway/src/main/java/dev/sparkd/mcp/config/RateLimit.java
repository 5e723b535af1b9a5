package dev.sparkd.mcp.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sparkd.core.auth.RateLimiter;

/** {@code "60/m"}: at most {@code permits} calls per {@code per}, refilled continuously (a token bucket). */
public record RateLimit(int permits, Duration per) {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})\\s*/\\s*(s|m|h)");

    public static Optional<RateLimit> parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches() || Integer.parseInt(m.group(1)) == 0) {
            return Optional.empty();
        }
        Duration per = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            default -> Duration.ofHours(1);
        };
        return Optional.of(new RateLimit(Integer.parseInt(m.group(1)), per));
    }

    /** The same limit as the shared token-bucket limiter takes it. */
    public RateLimiter.Rate rate() {
        return new RateLimiter.Rate(permits, per);
    }

    @Override
    public String toString() {
        return permits + "/" + (per.toHours() == 1 ? "h" : per.toMinutes() == 1 ? "m" : "s");
    }
}
