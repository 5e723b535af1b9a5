package dev.sparkd.health.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongConsumer;

import org.jboss.logging.Logger;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.handshake.HandshakeResult;
import dev.sparkd.health.probe.Elapsed;
import dev.sparkd.health.probe.Load;
import dev.sparkd.health.probe.Probe;
import dev.sparkd.health.probe.ProbeResult;
import dev.sparkd.health.state.State;
import dev.sparkd.health.state.StateMachine;
import dev.sparkd.health.telemetry.HostStatus;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.config.ServiceKind;
import io.smallrye.mutiny.Uni;

/**
 * One service: its probe, its state machine, the start-grace rule for closed ports, the last handshake, and the
 * counts the metrics read. Probes of one service never overlap (the scheduler skips a run while the last one is
 * still going), so the state here has a single writer. Metrics pull from here when scraped; a probe records only its latency (the histogram).
 */
public final class ServiceMonitor {
    private static final Logger LOG = Logger.getLogger(ServiceMonitor.class);
    private final ServiceDef def;
    private final Probe probe;
    private final StateMachine machine;
    private final Instant agentStart;
    private final Duration handshakeValidity;
    private final Function<String, Optional<HostStatus.Container>> containers;
    private final FleetEvents events;

    private volatile ServiceStatus status;
    private volatile HandshakeResult handshake;
    private volatile ProbeResult last;
    private volatile long probesSucceeded;
    private volatile long probesFailed;
    private volatile long handshakesPassed;
    private volatile long handshakesFailed;
    private int figures;
    private volatile LongConsumer probeLatency = nanos -> { };
    private Instant refusedSince;
    private Instant lastUp;

    ServiceMonitor(ServiceDef def, Probe probe, HealthSettings settings, Instant agentStart,
            Function<String, Optional<HostStatus.Container>> containers, FleetEvents events) {
        this.def = def;
        this.probe = probe;
        this.machine = new StateMachine(settings.failureThreshold(), settings.successThreshold());
        this.agentStart = agentStart;
        this.handshakeValidity = settings.handshakeInterval().multipliedBy(2).plus(settings.interval());
        this.containers = containers;
        this.events = events;
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

    /** The last handshake, or null before the first. */
    public HandshakeResult lastHandshake() {
        return handshake;
    }

    /** Probes run so far that found the service answering (UP or DEGRADED). */
    public long probesSucceeded() {
        return probesSucceeded;
    }

    public long probesFailed() {
        return probesFailed;
    }

    /** Handshakes run so far (skipped ones are not counted) that answered 4. */
    public long handshakesPassed() {
        return handshakesPassed;
    }

    public long handshakesFailed() {
        return handshakesFailed;
    }

    /** Where each probe's main-request time goes (the metrics' histogram); nothing until set. */
    public void onProbeLatency(LongConsumer observer) {
        this.probeLatency = observer;
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
        if (result.latency() != null) {
            probeLatency.accept(result.latency().toNanos());
        }
        if (result.success()) {
            probesSucceeded++;
        } else {
            probesFailed++;
        }
        Optional<StateMachine.Change> change = machine.observe(result.state(), result.reason(), now);
        status = snapshot(result);
        ServiceStatus current = status;
        change.ifPresent(c -> safely(() -> events.stateChanged(new ServiceStateChanged(current, c))));
        reportFigures();
        return status;
    }

    /** Tells the metrics when the set of known figures changed; an ordinary probe changes none and costs one compare. */
    private void reportFigures() {
        int known = knownFigures(last, handshake);
        if (known != figures) {
            figures = known;
            safely(() -> events.figuresChanged(new FiguresChanged(this)));
        }
    }

    /** One bit per figure that is known (not null): probed, latency, status, certificate, each load figure, handshake. */
    static int knownFigures(ProbeResult r, HandshakeResult h) {
        int bits = 0;
        if (r != null) {
            bits |= 1;
            bits |= (r.latency() != null ? 1 : 0) << 1;
            bits |= (r.httpStatus() != 0 ? 1 : 0) << 2;
            bits |= (r.certificateRemaining() != null ? 1 : 0) << 3;
            Load l = r.load();
            bits |= (l.queueDepth() != null ? 1 : 0) << 4;
            bits |= (l.requestsRunning() != null ? 1 : 0) << 5;
            bits |= (l.kvCacheUsage() != null ? 1 : 0) << 6;
            bits |= (l.loadedModels() != null ? 1 : 0) << 7;
            bits |= (l.loadedBytes() != null ? 1 : 0) << 8;
            bits |= (l.installedModels() != null ? 1 : 0) << 9;
            bits |= (l.slotsBusy() != null ? 1 : 0) << 10;
            bits |= (l.slotsTotal() != null ? 1 : 0) << 11;
        }
        if (h != null && !h.skipped()) {
            bits |= 1 << 12;
            bits |= (h.ttftSeconds() != null ? 1 : 0) << 13;
            bits |= (h.tokensPerSecond() != null ? 1 : 0) << 14;
        }
        return bits;
    }

    /**
     * A closed port whose declared container telemetry saw exit since the service was last up is that exit: DOWN,
     * named with the exit code and the log's error line (a dead vLLM engine makes the server exit, launcher.py).
     * Otherwise a closed port on vLLM / llama.cpp means "loading" while within {@code start_grace} of a start — the
     * agent's own (it may have started with the fleet) or the container's, when telemetry saw it (re)start — and
     * "down" otherwise.
     */
    private ProbeResult grace(ProbeResult result, Instant now) {
        if (!result.refused()) {
            refusedSince = null;
            return result;
        }
        if (refusedSince == null) {
            refusedSince = now;
        }
        Optional<HostStatus.Container> container = containers.apply(def.name());
        Optional<HostStatus.Container> exit = container.filter(HostStatus.Container::exited)
                .filter(c -> lastUp == null || c.finishedAt() == null || c.finishedAt().isAfter(lastUp));
        if (exit.isPresent()) {
            HostStatus.Container c = exit.get();
            return result.with(State.DOWN, "container " + def.container().orElse(def.name()) + " " + c.state() + " (code "
                    + c.exitCode() + ")" + (c.error() == null ? "" : ": " + c.error()));
        }
        String refusedFor = Elapsed.human(Duration.between(refusedSince, now));
        boolean loadsAtAll = def.kind() == ServiceKind.VLLM || def.kind() == ServiceKind.LLAMACPP;
        if (!loadsAtAll) {
            return result.with(State.DOWN, "connection refused" + (refusedFor.equals("0ms") ? "" : " for " + refusedFor));
        }
        Instant start = container.filter(c -> c.running() && c.startedAt() != null).map(HostStatus.Container::startedAt)
                .filter(s -> lastUp == null || s.isAfter(lastUp))
                .orElse(lastUp == null ? agentStart : null);
        Duration grace = def.startGrace();
        if (Instant.EPOCH.equals(start)) {
            return result.with(State.DOWN, "connection refused");
        }
        if (start != null && Duration.between(start, now).compareTo(grace) < 0) {
            return result.with(State.LOADING, "connection refused for " + refusedFor + ", within start grace "
                    + Elapsed.human(grace) + ": loading");
        }
        if (start != null) {
            return result.with(State.DOWN, "connection refused for " + refusedFor + " after start grace " + Elapsed.human(grace));
        }
        return result.with(State.DOWN, "connection refused for " + refusedFor + " (was up; no restart seen)");
    }

    /** An observer's failure is its own: it must not stop this service's probing. */
    private void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warnf("an observer failed for %s: %s", def.name(), e.toString());
        }
    }

    synchronized void handshake(HandshakeResult result) {
        handshake = result;
        if (!result.skipped()) {
            if (result.passed()) {
                handshakesPassed++;
            } else {
                handshakesFailed++;
            }
        }
        ServiceStatus s = status;
        status = new ServiceStatus(s.name(), s.kind(), s.host(), s.state(), s.reason(), s.since(), s.lastProbeAt(),
                s.latencyMs(), s.httpStatus(), s.consecutiveFailures(), s.load(), result);
        reportFigures();
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
