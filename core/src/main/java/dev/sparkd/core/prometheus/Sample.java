package dev.sparkd.core.prometheus;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One sample line.
 *
 * @param name the sample name (with any {@code _total}, {@code _bucket}, … suffix)
 * @param labels labels in exposition order, unescaped
 * @param value the value ({@code NaN} and infinities allowed)
 * @param timestampMillis the sample timestamp in epoch milliseconds, if the line had one
 * @param exemplar the OpenMetrics exemplar, if the line had one
 */
public record Sample(String name, Map<String, String> labels, double value, OptionalLong timestampMillis,
                     Optional<Exemplar> exemplar) {

    /** Freezes the labels, keeping their order. */
    public Sample {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** A label value, or {@code null}. */
    public String label(String labelName) {
        return labels.get(labelName);
    }

    /** The labels without one of them (for example without {@code le}). */
    public Map<String, String> labelsWithout(String labelName) {
        Map<String, String> copy = new LinkedHashMap<>(labels);
        copy.remove(labelName);
        return copy;
    }
}
