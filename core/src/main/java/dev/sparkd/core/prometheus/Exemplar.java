package dev.sparkd.core.prometheus;

import java.util.Map;
import java.util.OptionalLong;

/**
 * An OpenMetrics exemplar attached to a sample ({@code # {trace_id="…"} value [timestamp]}).
 *
 * @param labels the exemplar's label set
 * @param value the exemplar value
 * @param timestampMillis when the exemplar was observed, if given
 */
public record Exemplar(Map<String, String> labels, double value, OptionalLong timestampMillis) {

    /** Freezes the labels. */
    public Exemplar {
        labels = Map.copyOf(labels);
    }
}
