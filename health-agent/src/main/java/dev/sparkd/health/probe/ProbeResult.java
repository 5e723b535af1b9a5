package dev.sparkd.health.probe;

import java.time.Duration;
import java.time.Instant;

import dev.sparkd.health.state.State;

/**
 * One probe's observation, before thresholds: what the service looked like just now, and why.
 *
 * @param state      observed state (the state machine decides whether the service's state changes)
 * @param reason     why, for every state but UP; {@code null} when UP
 * @param latency    time of the main health request (null when no answer came)
 * @param httpStatus status of the main health request, 0 when none
 * @param refused    the main request's connection was refused (vLLM/llama.cpp: maybe loading, see start grace)
 * @param load       live load figures
 * @param certificateRemaining TLS certificate's remaining validity of https endpoints, else null
 */
public record ProbeResult(State state, String reason, Duration latency, int httpStatus, boolean refused, Load load,
        Instant at, Duration certificateRemaining) {

    public static ProbeResult up(Duration latency, int status, Load load) {
        return new ProbeResult(State.UP, null, latency, status, false, load, Instant.now(), null);
    }

    public static ProbeResult of(State state, String reason, Duration latency, int status, Load load) {
        return new ProbeResult(state, state == State.UP ? null : reason, latency, status, false, load, Instant.now(), null);
    }

    public static ProbeResult failed(ProbeFailure failure) {
        return new ProbeResult(State.DOWN, failure.getMessage(), null, 0, failure.kind() == ProbeFailure.Kind.REFUSED,
                Load.NONE, Instant.now(), null);
    }

    public ProbeResult with(State newState, String newReason) {
        return new ProbeResult(newState, newState == State.UP ? null : newReason, latency, httpStatus, refused, load, at,
                certificateRemaining);
    }

    public ProbeResult withCertificate(Duration remaining) {
        return new ProbeResult(state, reason, latency, httpStatus, refused, load, at, remaining);
    }

    public boolean success() {
        return state.available();
    }
}
