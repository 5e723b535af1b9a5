package dev.sparkd.health.fleet;

import dev.sparkd.health.probe.ProbeResult;
import dev.sparkd.health.state.StateMachine;

/** Told about every probe and every change of a service's state or reason. Called on the event loop: never block. */
public interface FleetListener {
    default void probed(ServiceStatus status, ProbeResult result) {
    }

    default void changed(ServiceStatus status, StateMachine.Change change) {
    }
}
