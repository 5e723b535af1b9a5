package dev.sparkd.core.prometheus;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** A metric family type from a {@code # TYPE} line; OpenMetrics {@code unknown} reads as {@link #UNTYPED}. */
public enum MetricType {
    COUNTER(Set.of("", "_total", "_created")),
    GAUGE(Set.of("")),
    HISTOGRAM(Set.of("_bucket", "_sum", "_count", "_created")),
    GAUGE_HISTOGRAM(Set.of("_bucket", "_gsum", "_gcount")),
    SUMMARY(Set.of("", "_sum", "_count", "_created")),
    INFO(Set.of("", "_info")),
    STATESET(Set.of("")),
    UNTYPED(Set.of(""));

    private final Set<String> sampleSuffixes;

    MetricType(Set<String> sampleSuffixes) {
        this.sampleSuffixes = sampleSuffixes;
    }

    /** Whether a sample named family name + {@code suffix} belongs to a family of this type. */
    public boolean acceptsSuffix(String suffix) {
        return sampleSuffixes.contains(suffix);
    }

    /** Parses the type token of a {@code # TYPE} line (both text format 0.0.4 and OpenMetrics names). */
    public static Optional<MetricType> fromToken(String token) {
        return switch (token.toLowerCase(Locale.ROOT)) {
            case "counter" -> Optional.of(COUNTER);
            case "gauge" -> Optional.of(GAUGE);
            case "histogram" -> Optional.of(HISTOGRAM);
            case "gaugehistogram" -> Optional.of(GAUGE_HISTOGRAM);
            case "summary" -> Optional.of(SUMMARY);
            case "info" -> Optional.of(INFO);
            case "stateset" -> Optional.of(STATESET);
            case "untyped", "unknown" -> Optional.of(UNTYPED);
            default -> Optional.empty();
        };
    }
}
