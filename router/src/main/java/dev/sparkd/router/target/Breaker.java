package dev.sparkd.router.target;

/**
 * Circuit breaker of one target: opens after N consecutive failures, lets one probe through after the cooldown
 * (half-open), closes again on its success. Synchronized: only touched once per attempt, never contended for long.
 */
public final class Breaker {
    public enum State {
        CLOSED, HALF_OPEN, OPEN
    }

    private final int threshold;
    private final long cooldownNanos;
    private State state = State.CLOSED;
    private int failures;
    private long openUntil;
    private boolean probing;

    public Breaker(int threshold, long cooldownNanos) {
        this.threshold = threshold;
        this.cooldownNanos = cooldownNanos;
    }

    /** True when a request may be sent now; in half-open state only the first caller gets the probe. */
    public synchronized boolean tryAcquire(long now) {
        switch (state) {
            case CLOSED:
                return true;
            case OPEN:
                if (now - openUntil >= 0) {
                    state = State.HALF_OPEN;
                    probing = true;
                    return true;
                }
                return false;
            default:
                if (!probing) {
                    probing = true;
                    return true;
                }
                return false;
        }
    }

    /** Whether {@link #tryAcquire} would let a request through, without taking the probe. */
    public synchronized boolean available(long now) {
        return state == State.CLOSED || (state == State.OPEN && now - openUntil >= 0) || (state == State.HALF_OPEN && !probing);
    }

    public synchronized void onSuccess() {
        state = State.CLOSED;
        failures = 0;
        probing = false;
    }

    public synchronized void onFailure(long now) {
        failures++;
        if (state == State.HALF_OPEN || failures >= threshold) {
            state = State.OPEN;
            openUntil = now + cooldownNanos;
            probing = false;
        }
    }

    /** An attempt that ended without a verdict about the target (client went away): frees a half-open probe. */
    public synchronized void release() {
        probing = false;
    }

    public synchronized State state() {
        return state;
    }
}
