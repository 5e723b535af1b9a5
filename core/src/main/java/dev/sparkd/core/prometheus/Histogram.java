package dev.sparkd.core.prometheus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;

/**
 * One histogram series: cumulative {@code _bucket} counts by upper bound, plus {@code _sum} and
 * {@code _count}. Values are totals since the process started, not rates.
 *
 * @param labels the series labels (without {@code le})
 * @param buckets buckets sorted by upper bound, cumulative counts
 * @param sum the {@code _sum} sample, {@code NaN} if absent
 * @param count the {@code _count} sample, or the {@code +Inf} bucket if {@code _count} is absent
 */
public record Histogram(Map<String, String> labels, List<Bucket> buckets, double sum, double count) {

    /**
     * One cumulative bucket.
     *
     * @param upperBound the {@code le} value
     * @param cumulativeCount observations less than or equal to the bound
     */
    public record Bucket(double upperBound, double cumulativeCount) {
    }

    /** Sorts the buckets and freezes labels and buckets. */
    public Histogram {
        labels = Map.copyOf(labels);
        List<Bucket> sorted = new ArrayList<>(buckets);
        sorted.sort(Comparator.comparingDouble(Bucket::upperBound));
        buckets = List.copyOf(sorted);
    }

    /** Mean observation ({@code sum / count}), empty when nothing was observed. */
    public OptionalDouble mean() {
        return count > 0 && !Double.isNaN(sum) ? OptionalDouble.of(sum / count) : OptionalDouble.empty();
    }

    /**
     * Estimates the q-quantile the way PromQL's {@code histogram_quantile} does: linear
     * interpolation inside the bucket holding the rank, the lower bound of the first bucket taken
     * as 0, and the highest finite bound returned when the rank falls in the {@code +Inf} bucket.
     */
    public OptionalDouble quantile(double q) {
        if (q < 0 || q > 1 || Double.isNaN(q)) {
            throw new IllegalArgumentException("quantile must be within [0, 1]: " + q);
        }
        if (buckets.isEmpty()) {
            return OptionalDouble.empty();
        }
        double total = buckets.get(buckets.size() - 1).cumulativeCount();
        if (!(total > 0)) {
            return OptionalDouble.empty();
        }
        double rank = q * total;
        int i = 0;
        while (i < buckets.size() - 1 && buckets.get(i).cumulativeCount() < rank) {
            i++;
        }
        Bucket bucket = buckets.get(i);
        if (Double.isInfinite(bucket.upperBound())) {
            return i == 0 ? OptionalDouble.empty() : OptionalDouble.of(buckets.get(i - 1).upperBound());
        }
        double lower = i == 0 ? 0 : buckets.get(i - 1).upperBound();
        double before = i == 0 ? 0 : buckets.get(i - 1).cumulativeCount();
        if (i == 0 && bucket.upperBound() <= 0) {
            return OptionalDouble.of(bucket.upperBound());
        }
        double inBucket = bucket.cumulativeCount() - before;
        if (inBucket <= 0) {
            return OptionalDouble.of(bucket.upperBound());
        }
        return OptionalDouble.of(lower + (bucket.upperBound() - lower) * ((rank - before) / inBucket));
    }

    /** Adds several series together (for example one per vLLM engine), bucket bound by bucket bound. */
    public static Histogram sum(Map<String, String> labels, List<Histogram> series) {
        TreeSet<Double> bounds = new TreeSet<>();
        series.forEach(h -> h.buckets().forEach(b -> bounds.add(b.upperBound())));
        List<Bucket> merged = new ArrayList<>();
        for (double bound : bounds) {
            double total = 0;
            for (Histogram h : series) {
                total += h.cumulativeAt(bound);
            }
            merged.add(new Bucket(bound, total));
        }
        double sum = 0;
        double count = 0;
        for (Histogram h : series) {
            sum += h.sum();
            count += h.count();
        }
        return new Histogram(labels, merged, sum, count);
    }

    /** Cumulative count at {@code bound}: that of the largest bucket not above it. */
    private double cumulativeAt(double bound) {
        double value = 0;
        for (Bucket b : buckets) {
            if (b.upperBound() <= bound) {
                value = b.cumulativeCount();
            } else {
                break;
            }
        }
        return value;
    }
}
