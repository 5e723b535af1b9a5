package dev.sparkd.core.prometheus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Predicate;

/**
 * A parsed {@code /metrics} response.
 *
 * @param families metric families in exposition order
 * @param problems lines that were skipped, with the reason
 * @param openMetrics whether the text was OpenMetrics (it ended with {@code # EOF})
 */
public record Exposition(List<MetricFamily> families, List<ParseProblem> problems, boolean openMetrics) {

    /** Freezes the lists. */
    public Exposition {
        families = List.copyOf(families);
        problems = List.copyOf(problems);
    }

    /** Every sample of every family, in exposition order. */
    public List<Sample> samples() {
        List<Sample> all = new ArrayList<>();
        families.forEach(f -> all.addAll(f.samples()));
        return all;
    }

    /** The family with this exact name. */
    public Optional<MetricFamily> family(String name) {
        return families.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** All samples with this exact sample name (for example {@code vllm:prompt_tokens_total}). */
    public List<Sample> samples(String sampleName) {
        return samples(sampleName, s -> true);
    }

    /** Samples with this exact name that also match {@code filter}. */
    public List<Sample> samples(String sampleName, Predicate<Sample> filter) {
        List<Sample> found = new ArrayList<>();
        for (MetricFamily f : families) {
            for (Sample s : f.samples()) {
                if (s.name().equals(sampleName) && filter.test(s)) {
                    found.add(s);
                }
            }
        }
        return found;
    }

    /** Sum of all matching samples, empty when the name does not occur (absent is not zero). */
    public OptionalDouble sum(String sampleName, Predicate<Sample> filter) {
        List<Sample> found = samples(sampleName, filter);
        return found.isEmpty() ? OptionalDouble.empty()
                : OptionalDouble.of(found.stream().mapToDouble(Sample::value).sum());
    }

    /** Largest matching sample value, empty when the name does not occur. */
    public OptionalDouble max(String sampleName, Predicate<Sample> filter) {
        return samples(sampleName, filter).stream().mapToDouble(Sample::value).max();
    }

    /**
     * Histogram series named {@code name}, assembled from {@code name_bucket}, {@code name_sum} and
     * {@code name_count} samples whose other labels match; works even without a {@code # TYPE} line.
     */
    public List<Histogram> histograms(String name, Predicate<Sample> filter) {
        Map<Map<String, String>, List<Histogram.Bucket>> buckets = new LinkedHashMap<>();
        for (Sample s : samples(name + "_bucket", filter)) {
            String le = s.label("le");
            if (le == null) {
                continue;
            }
            double bound;
            try {
                bound = PrometheusText.parseValue(le);
            } catch (NumberFormatException e) {
                continue;
            }
            buckets.computeIfAbsent(s.labelsWithout("le"), k -> new ArrayList<>())
                    .add(new Histogram.Bucket(bound, s.value()));
        }
        List<Histogram> result = new ArrayList<>();
        buckets.forEach((labels, list) -> {
            double sum = valueWithLabels(name + "_sum", labels).orElse(Double.NaN);
            double infCount = list.stream().filter(b -> Double.isInfinite(b.upperBound()))
                    .mapToDouble(Histogram.Bucket::cumulativeCount).findFirst().orElse(Double.NaN);
            double count = valueWithLabels(name + "_count", labels).orElse(infCount);
            result.add(new Histogram(labels, list, sum, count));
        });
        return result;
    }

    private OptionalDouble valueWithLabels(String sampleName, Map<String, String> labels) {
        return samples(sampleName, s -> s.labels().equals(labels)).stream().mapToDouble(Sample::value).findFirst();
    }
}
