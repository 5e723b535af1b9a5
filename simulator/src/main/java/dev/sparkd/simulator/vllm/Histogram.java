package dev.sparkd.simulator.vllm;

/** A Prometheus histogram with fixed buckets, rendered the way Python's prometheus_client renders it. */
final class Histogram {
    private final double[] bounds;
    private final long[] counts;
    private long count;
    private double sum;

    Histogram(double... bounds) {
        this.bounds = bounds;
        this.counts = new long[bounds.length];
    }

    synchronized void observe(double value) {
        for (int i = 0; i < bounds.length; i++) {
            if (value <= bounds[i]) {
                counts[i]++;
            }
        }
        count++;
        sum += value;
    }

    synchronized void render(StringBuilder out, String name, String labels) {
        for (int i = 0; i < bounds.length; i++) {
            out.append(name).append("_bucket{").append(labels).append(",le=\"").append(PromText.number(bounds[i]))
                    .append("\"} ").append(PromText.number(counts[i])).append('\n');
        }
        out.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(PromText.number(count)).append('\n');
        out.append(name).append("_count{").append(labels).append("} ").append(PromText.number(count)).append('\n');
        out.append(name).append("_sum{").append(labels).append("} ").append(PromText.number(sum)).append('\n');
    }
}
