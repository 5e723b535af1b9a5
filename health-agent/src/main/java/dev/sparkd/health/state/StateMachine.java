package dev.sparkd.health.state;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns observations into a service's state with hysteresis: leaving UP takes {@code failureThreshold} consecutive
 * non-UP observations, returning to UP takes {@code successThreshold} consecutive UP ones. Once a service is not UP,
 * it follows the latest observation at once (DOWN → LOADING → DEGRADED), so the reason shown is always current. The
 * first observation is taken as it is. Not thread-safe: each service's monitor drives its own.
 */
public final class StateMachine {
    private final int failureThreshold;
    private final int successThreshold;
    private State state;
    private String reason;
    private Instant since;
    private int failures;
    private int successes;

    public StateMachine(int failureThreshold, int successThreshold) {
        if (failureThreshold < 1 || successThreshold < 1) {
            throw new IllegalArgumentException("thresholds must be at least 1");
        }
        this.failureThreshold = failureThreshold;
        this.successThreshold = successThreshold;
    }

    /**
     * A change of state, or of the reason within a non-UP state.
     *
     * @param from the previous state, empty for the first observation
     */
    public record Change(Optional<State> from, State to, String reason, Instant at) {
        public boolean stateChanged() {
            return from.isEmpty() || from.get() != to;
        }
    }

    /** Feeds one observation; answers the change it caused, if any. */
    public Optional<Change> observe(State observed, String observedReason, Instant now) {
        Objects.requireNonNull(observed);
        if (state == null) {
            return Optional.of(set(null, observed, observedReason, now));
        }
        if (observed == State.UP) {
            failures = 0;
            successes++;
            if (state != State.UP && successes >= successThreshold) {
                return Optional.of(set(state, State.UP, null, now));
            }
            return Optional.empty();
        }
        successes = 0;
        failures++;
        if (state == State.UP) {
            return failures >= failureThreshold ? Optional.of(set(State.UP, observed, observedReason, now)) : Optional.empty();
        }
        if (observed != state || !Objects.equals(observedReason, reason)) {
            return Optional.of(set(state, observed, observedReason, now));
        }
        return Optional.empty();
    }

    private Change set(State from, State to, String why, Instant now) {
        if (from != to) {
            since = now;
        }
        state = to;
        reason = to == State.UP ? null : why;
        return new Change(Optional.ofNullable(from), to, reason, now);
    }

    /** Current state, or null before the first observation. */
    public State state() {
        return state;
    }

    public String reason() {
        return reason;
    }

    public Instant since() {
        return since;
    }

    /** Consecutive non-UP observations so far (while UP: how close it is to leaving). */
    public int failures() {
        return failures;
    }
}
