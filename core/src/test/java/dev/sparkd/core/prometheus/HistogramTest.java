package dev.sparkd.core.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistogramTest {

    private static Histogram of(double... boundAndCount) {
        List<Histogram.Bucket> buckets = new java.util.ArrayList<>();
        for (int i = 0; i < boundAndCount.length; i += 2) {
            buckets.add(new Histogram.Bucket(boundAndCount[i], boundAndCount[i + 1]));
        }
        double count = buckets.get(buckets.size() - 1).cumulativeCount();
        return new Histogram(Map.of(), buckets, 0, count);
    }

    @Test
    void rankInTheInfBucketReturnsTheHighestFiniteBound() {
        Histogram h = of(1, 1, 2, 2, Double.POSITIVE_INFINITY, 10);

        assertThat(h.quantile(0.99)).hasValue(2);
    }

    @Test
    void firstBucketInterpolatesFromZero() {
        Histogram h = of(4, 10, Double.POSITIVE_INFINITY, 10);

        assertThat(h.quantile(0.5).getAsDouble()).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void emptyHistogramHasNoQuantileOrMean() {
        Histogram h = of(1, 0, Double.POSITIVE_INFINITY, 0);

        assertThat(h.quantile(0.5)).isEmpty();
        assertThat(h.mean()).isEmpty();
    }

    @Test
    void sumMergesSeriesWithDifferentBounds() {
        Histogram a = of(1, 2, Double.POSITIVE_INFINITY, 4);
        Histogram b = of(0.5, 1, 2, 3, Double.POSITIVE_INFINITY, 3);

        Histogram merged = Histogram.sum(Map.of(), List.of(a, b));

        assertThat(merged.buckets()).containsExactly(
                new Histogram.Bucket(0.5, 1),
                new Histogram.Bucket(1, 3),
                new Histogram.Bucket(2, 5),
                new Histogram.Bucket(Double.POSITIVE_INFINITY, 7));
        assertThat(merged.count()).isEqualTo(7);
    }
}
