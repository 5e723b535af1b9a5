package dev.sparkd.core.prometheus;

import java.util.List;

/**
 * Samples that share one metric family name, with their metadata.
 *
 * @param name the family name as declared by {@code # TYPE}/{@code # HELP}, or the sample name if undeclared
 * @param type the declared type, {@link MetricType#UNTYPED} if none
 * @param help the unescaped {@code # HELP} text, or {@code null}
 * @param unit the OpenMetrics {@code # UNIT}, or {@code null}
 * @param samples the family's samples in exposition order
 */
public record MetricFamily(String name, MetricType type, String help, String unit, List<Sample> samples) {

    /** Freezes the samples. */
    public MetricFamily {
        samples = List.copyOf(samples);
    }
}
