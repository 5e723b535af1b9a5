package dev.sparkd.health.fleet;

import dev.sparkd.health.state.StateMachine;

/**
 * A service changed its state or its reason (a CDI event; observers run on the probe's event-loop thread and must
 * not block): the incident recorder, the webhook and the metrics observe it.
 */
public record ServiceStateChanged(ServiceStatus status, StateMachine.Change change) {
}
