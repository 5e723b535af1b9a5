package dev.sparkd.router.proxy;

import dev.sparkd.router.metrics.RouterMetrics;
import dev.sparkd.router.target.Target;

/**
 * The targets an exchange skipped or gave up on, with the reason, as the ledger writes them:
 * {@code vllm-1(connect) ollama-1(breaker_open)}. Also remembers the last one until the next try starts, for the
 * fallback counter.
 */
final class FallbackTrail {
    private StringBuilder trail;
    private String pendingFrom;
    private String pendingReason;

    void note(Target t, String reason) {
        if (trail == null) {
            trail = new StringBuilder();
        } else {
            trail.append(' ');
        }
        trail.append(t.id()).append('(').append(reason).append(')');
        pendingFrom = t.id();
        pendingReason = reason;
    }

    /** Counts the fallback from the target given up on last to {@code to}, once, when {@code to} is tried. */
    void countFallbackTo(Target to, String route, RouterMetrics metrics) {
        if (pendingFrom != null) {
            metrics.fallback(route, pendingFrom, to.id(), pendingReason);
            pendingFrom = null;
        }
    }

    /** The trail, or null when the first target answered. */
    String text() {
        return trail == null ? null : trail.toString();
    }
}
