package dev.sparkd.health.probe;

/** A probe request that got no HTTP answer: refused, timed out, or broke. The message is safe to show. */
public final class ProbeFailure extends RuntimeException {
    /** Why no answer came. */
    public enum Kind { REFUSED, TIMEOUT, ERROR }

    private final Kind kind;

    public ProbeFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
