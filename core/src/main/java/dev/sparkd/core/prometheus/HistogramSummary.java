package dev.sparkd.core.prometheus;

import java.util.OptionalDouble;

/**
 * A histogram boiled down to what dashboards and routing need (totals since process start).
 *
 * @param count observations
 * @param sum sum of observations
 * @param mean {@code sum / count}
 * @param p50 estimated median
 * @param p95 estimated 95th percentile
 * @param p99 estimated 99th percentile
 */
public record HistogramSummary(double count, double sum, OptionalDouble mean, OptionalDouble p50,
                               OptionalDouble p95, OptionalDouble p99) {

    /** Summarises one histogram. */
    public static HistogramSummary of(Histogram h) {
        return new HistogramSummary(h.count(), h.sum(), h.mean(), h.quantile(0.5), h.quantile(0.95), h.quantile(0.99));
    }
}
