package dev.sparkd.health.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.handshake.HandshakeResult;
import dev.sparkd.health.probe.Load;
import dev.sparkd.health.probe.Probe;
import dev.sparkd.health.probe.ProbeHttp;
import dev.sparkd.health.probe.ProbeResult;
import dev.sparkd.health.state.State;
import dev.sparkd.health.state.StateMachine;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.config.ServiceKind;
import io.smallrye.mutiny.Uni;

/**
 * One service: its probe, its state machine, the start-grace rule for closed ports, and the last handshake. Probes of
 * one service never overlap (the scheduler waits for each), so the state here has a single writer.
 */
public final class ServiceMonitor {
    private final ServiceDef def;
    private final Probe probe;
    private final StateMachine machine;
    private final Instant agentStart;
    private final Duration handshakeValidity;
    private final Function<String, Optional<Instant>> containerStarted;
    private final List<FleetListener> listeners;

    private volatile ServiceStatus status;
    private volatile HandshakeResult handshake;
    private volatile ProbeResult last;
    private Instant refusedSince;
    private Instant lastUp;

    ServiceMonitor(ServiceDef def, Probe probe, HealthSettings settings, Instant agentStart,
            Function<String, Optional<Instant>> containerStarted, List<FleetListener> listeners) {
        this.def = def;
        this.probe = probe;
        this.machine = new StateMachine(settings.failureThreshold(), settings.successThreshold());
        this.agentStart = agentStart;
        this.handshakeValidity = settings.handshakeInterval().multipliedBy(2).plus(settings.interval());
        this.containerStarted = containerStarted;
        this.listeners = listeners;
        this.status = new ServiceStatus(def.name(), def.kind().key(), def.host().orElse(null), ServiceStatus.UNKNOWN,
                "not probed yet", null, null, null, null, 0, null, null);
    }

    public ServiceDef def() {
        return def;
    }

    public ServiceStatus status() {
        return status;
    }

    public ProbeResult last() {
        return last;
    }

    /** Probes once and applies the result. */
    public Uni<ServiceStatus> probeOnce() {
        return probe.run().map(this::apply);
    }

    synchronized ServiceStatus apply(ProbeResult raw) {
        Instant now = raw.at();
        ProbeResult result = grace(raw, now);
        HandshakeResult hs = handshake;
        if (result.state() == State.UP && hs != null && hs.degrades() && hs.at().plus(handshakeValidity).isAfter(now)) {
            result = result.with(State.DEGRADED, hs.reason());
        }
        if (result.state() == State.UP) {
            lastUp = now;
        }
        last = result;
        Optional<StateMachine.Change> change = machine.observe(result.state(), result.reason(), now);
        status = snapshot(result);
        ServiceStatus now2 = status;
        ProbeResult r = result;
        for (FleetListener l : listeners) {
            safely(() -> l.probed(now2, r));
        }
        change.ifPresent(c -> listeners.forEach(l -> safely(() -> l.changed(now2, c))));
        return status;
    }

    /**
     * A closed port on vLLM / llama.cpp means "loading" while within {@code start_grace} of a start — the agent's own
     * (it may have started with the fleet) or the container's, when telemetry saw it (re)start — and "down" otherwise.
     */
    private ProbeResult grace(ProbeResult result, Instant now) {
        if (!result.refused()) {
            refusedSince = null;
            return result;
        }
        if (refusedSince == null) {
            refusedSince = now;
        }
        String refusedFor = ProbeHttp.human(Duration.between(refusedSince, now));
        boolean loadsAtAll = def.kind() == ServiceKind.VLLM || def.kind() == ServiceKind.LLAMACPP;
        if (!loadsAtAll) {
            return result.with(State.DOWN, "connection refused" + (refusedFor.equals("0ms") ? "" : " for " + refusedFor));
        }
        Instant start = containerStarted.apply(def.name()).filter(s -> lastUp == null || s.isAfter(lastUp))
                .orElse(lastUp == null ? agentStart : null);
        Duration grace = def.startGrace();
        if (Instant.EPOCH.equals(start)) {
            return result.with(State.DOWN, "connection refused");
        }
        if (start != null && Duration.between(start, now).compareTo(grace) < 0) {
            return result.with(State.LOADING, "connection refused for " + refusedFor + ", within start grace "
                    + ProbeHttp.human(grace) + ": loading");
        }
        if (start != null) {
            return result.with(State.DOWN, "connection refused for " + refusedFor + " after start grace " + ProbeHttp.human(grace));
        }
        return result.with(State.DOWN, "connection refused for " + refusedFor + " (was up; no restart seen)");
    }

    /** A listener's failure is its own: it must not stop this service's probing. */
    private void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            org.jboss.logging.Logger.getLogger(ServiceMonitor.class).warnf("listener failed for %s: %s", def.name(), e.toString());
        }
    }

    void handshake(HandshakeResult result) {
        handshake = result;
        ServiceStatus s = status;
        status = new ServiceStatus(s.name(), s.kind(), s.host(), s.state(), s.reason(), s.since(), s.lastProbeAt(),
                s.latencyMs(), s.httpStatus(), s.consecutiveFailures(), s.load(), result);
    }

    Load lastLoad() {
        ProbeResult r = last;
        return r == null ? null : r.load();
    }

    private ServiceStatus snapshot(ProbeResult r) {
        State state = machine.state();
        return new ServiceStatus(def.name(), def.kind().key(), def.host().orElse(null), state.name(), machine.reason(),
                machine.since(), r.at(), r.latency() == null ? null : r.latency().toNanos() / 1e6,
                r.httpStatus() == 0 ? null : r.httpStatus(), machine.failures(), r.load() == Load.NONE ? null : r.load(), handshake);
    }
}
