package dev.sparkd.simulator.vllm;

/** Number formatting of Python's prometheus_client ({@code floatToGoString}): always a float, e.g. {@code 1.0}, {@code 0.25}. */
final class PromText {
    private PromText() {
    }

    static String number(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return (long) v + ".0";
        }
        return Double.toString(v);
    }

    static void family(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
