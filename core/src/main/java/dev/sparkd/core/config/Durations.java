package dev.sparkd.core.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as users write them: {@code "250ms"}, {@code "30s"}, {@code "5m"}, {@code "1h30m"}, {@code "1.5h"},
 * {@code "7d"}. A bare number is refused: its unit would be a guess.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

    private Durations() {
    }

    public static Optional<Duration> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        Matcher m = PART.matcher(text.trim());
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return Optional.empty();
            }
            long unitNanos = switch (m.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> 86_400_000_000_000L;
            };
            try { // a number beyond what a Duration holds is not a duration (longValue() wrapped it around)
                total = total.plusNanos(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos)).longValueExact());
            } catch (ArithmeticException tooLarge) {
                return Optional.empty();
            }
            end = m.end();
        }
        return end == text.trim().length() && end > 0 ? Optional.of(total) : Optional.empty();
    }

    /** The shortest exact spelling, e.g. {@code 90s → "1m30s"}, for reports and {@code /api/v1/info}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long days = d.toDays();
        if (days > 0) {
            out.append(days).append('d');
        }
        if (d.toHoursPart() > 0) {
            out.append(d.toHoursPart()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            out.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0) {
            out.append(d.toSecondsPart()).append('s');
        }
        if (d.toMillisPart() > 0) {
            out.append(d.toMillisPart()).append("ms");
        }
        return out.toString();
    }
}
