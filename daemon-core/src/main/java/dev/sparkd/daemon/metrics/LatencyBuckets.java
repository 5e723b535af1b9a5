package dev.sparkd.daemon.metrics;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

import io.micrometer.core.instrument.Timer;

/**
 * The fixed histogram buckets of every sparkd latency metric ({@code docs/metrics.md} lists them): the same bounds
 * across releases and installs, so dashboards and recording rules can rely on them, and few enough that a histogram
 * series costs a dozen counters. Each timer also keeps {@code _sum}, {@code _count} and {@code _max}.
 */
public final class LatencyBuckets {
    /** A whole request or tool call: 5 ms … 2 min. */
    public static final Duration[] REQUEST = millis(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 120_000);
    /** Time to first token: 10 ms … 30 s. */
    public static final Duration[] FIRST_TOKEN = millis(10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000);
    /** Time per output token after the first: 5 ms … 1 s (200 … 1 tokens/s). */
    public static final Duration[] PER_TOKEN = millis(5, 10, 20, 30, 50, 75, 100, 150, 250, 500, 1000);
    /** What the router itself adds: 25 µs … 25 ms. */
    public static final Duration[] OVERHEAD = Arrays.stream(new long[] {25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000})
            .mapToObj(us -> Duration.of(us, ChronoUnit.MICROS)).toArray(Duration[]::new);
    /** A health probe: 5 ms … 10 s. */
    public static final Duration[] PROBE = millis(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000);

    private LatencyBuckets() {
    }

    /** A timer exported as a Prometheus histogram with exactly {@code buckets} (plus +Inf). */
    public static Timer.Builder timer(String name, String description, Duration[] buckets) {
        return Timer.builder(name).description(description).serviceLevelObjectives(buckets).publishPercentileHistogram(false);
    }

    private static Duration[] millis(long... ms) {
        return Arrays.stream(ms).mapToObj(Duration::ofMillis).toArray(Duration[]::new);
    }
}
