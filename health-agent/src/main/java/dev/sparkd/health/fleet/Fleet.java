package dev.sparkd.health.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.handshake.Handshake;
import dev.sparkd.health.probe.CloudProbe;
import dev.sparkd.health.probe.HttpProbe;
import dev.sparkd.health.probe.LlamaCppProbe;
import dev.sparkd.health.probe.OllamaProbe;
import dev.sparkd.health.probe.Probe;
import dev.sparkd.health.probe.ProbeHttp;
import dev.sparkd.health.probe.TcpProbe;
import dev.sparkd.health.probe.VllmProbe;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.config.SuiteConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Every declared service, probed concurrently on the event loop: each on its own timer with jitter (so a hundred
 * services do not fire at once), each probe under its own deadline, the next one scheduled when the last finished.
 * Handshakes run on their own, slower schedule. Plain Java: the daemon and {@code --once} both use it.
 */
public final class Fleet implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Fleet.class);

    private final Vertx vertx;
    private final HealthSettings settings;
    private final ProbeHttp http;
    private final Handshake handshake;
    private final Map<String, ServiceMonitor> monitors = new LinkedHashMap<>();
    private final List<FleetListener> listeners = new CopyOnWriteArrayList<>();
    // A concurrent set: with thousands of services, a copy-on-write list would copy itself on every probe.
    private final java.util.Set<Long> timers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    public Fleet(Vertx vertx, SuiteConfig config, HealthSettings settings, Function<String, Optional<Instant>> containerStarted) {
        this(vertx, config, settings, containerStarted, Instant.now());
    }

    /**
     * @param agentStart when the agent started: a closed vLLM/llama.cpp port counts as loading within the start grace
     *                   after it. {@link Instant#EPOCH} for one-shot runs, which have no history to judge by.
     */
    public Fleet(Vertx vertx, SuiteConfig config, HealthSettings settings, Function<String, Optional<Instant>> containerStarted,
            Instant agentStart) {
        this.vertx = vertx;
        this.settings = settings;
        this.http = new ProbeHttp(vertx, 4);
        this.handshake = new Handshake(vertx, settings);
        Instant now = agentStart;
        config.services().values().stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(def ->
                monitors.put(def.name(), new ServiceMonitor(def, probe(def), settings, now, containerStarted, listeners)));
    }

    private Probe probe(ServiceDef def) {
        return switch (def.kind()) {
            case OLLAMA -> new OllamaProbe(def, http, settings);
            case VLLM -> new VllmProbe(def, http, settings);
            case LLAMACPP -> new LlamaCppProbe(def, http, settings);
            case OPENAI -> new CloudProbe(def, http, settings);
            case HTTP -> new HttpProbe(def, http, settings);
            case TCP -> new TcpProbe(def, http, settings, vertx);
        };
    }

    public void addListener(FleetListener listener) {
        listeners.add(listener);
    }

    public List<ServiceStatus> statuses() {
        return monitors.values().stream().map(ServiceMonitor::status).toList();
    }

    public Optional<ServiceStatus> status(String name) {
        return Optional.ofNullable(monitors.get(name)).map(ServiceMonitor::status);
    }

    public Optional<ServiceMonitor> monitor(String name) {
        return Optional.ofNullable(monitors.get(name));
    }

    /** Probes every service once, all at the same time; completes when all answered or timed out. */
    public Uni<List<ServiceStatus>> probeAll() {
        if (monitors.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Uni<ServiceStatus>> all = new ArrayList<>();
        monitors.values().forEach(m -> all.add(m.probeOnce()));
        return Uni.join().all(all).andFailFast();
    }

    /** Runs one handshake on a service now (also used by tests and the first round). */
    public Uni<Void> handshake(String name) {
        ServiceMonitor m = monitors.get(name);
        if (m == null || !handshake.applies(m.def())) {
            return Uni.createFrom().voidItem();
        }
        return handshake.run(m.def(), m.lastLoad()).invoke(m::handshake).replaceWithVoid();
    }

    /** Starts the schedules: the first probe of each service within one interval (jittered), the first handshake after it. */
    public void start() {
        running = true;
        for (ServiceMonitor m : monitors.values()) {
            Duration every = interval(m.def());
            long first = 1 + ThreadLocalRandom.current().nextLong(Math.max(1, Math.min(every.toMillis(), 2000)));
            schedule(m, first, every);
            if (handshake.applies(m.def())) {
                scheduleHandshake(m, first + 3000 + ThreadLocalRandom.current().nextLong(2000));
            }
        }
    }

    Duration interval(ServiceDef def) {
        return settings.overrides(def.name()).flatMap(HealthSettings.ServiceOverrides::interval)
                .orElse(def.kind() == dev.sparkd.core.config.ServiceKind.OPENAI && !"compatible".equals(def.provider().orElse(""))
                        ? settings.cloudInterval() : settings.interval());
    }

    private void schedule(ServiceMonitor m, long delayMs, Duration every) {
        if (!running) {
            return;
        }
        timers.add(vertx.setTimer(Math.max(1, delayMs), id -> {
            timers.remove(id);
            long start = System.currentTimeMillis();
            m.probeOnce().subscribe().with(
                    s -> schedule(m, next(every, start), every),
                    t -> {
                        LOG.warnf("probe of %s failed unexpectedly: %s", m.def().name(), t.toString());
                        schedule(m, next(every, start), every);
                    });
        }));
    }

    private void scheduleHandshake(ServiceMonitor m, long delayMs) {
        if (!running) {
            return;
        }
        timers.add(vertx.setTimer(Math.max(1, delayMs), id -> {
            timers.remove(id);
            long start = System.currentTimeMillis();
            var last = m.last();
            if (last == null || !last.success()) {
                // A service that does not answer probes gets no handshake: the probe already says why.
                scheduleHandshake(m, next(settings.handshakeInterval(), start));
                return;
            }
            handshake.run(m.def(), m.lastLoad()).subscribe().with(r -> {
                m.handshake(r);
                scheduleHandshake(m, next(settings.handshakeInterval(), start));
            }, t -> scheduleHandshake(m, next(settings.handshakeInterval(), start)));
        }));
    }

    /** The next start: one interval after the last start, ±5% so services drift apart instead of firing together. */
    private static long next(Duration every, long lastStart) {
        long ms = every.toMillis();
        long jitter = ms / 20;
        long target = lastStart + ms + (jitter > 0 ? ThreadLocalRandom.current().nextLong(-jitter, jitter + 1) : 0);
        return Math.max(1, target - System.currentTimeMillis());
    }

    @Override
    public void close() {
        running = false;
        timers.forEach(vertx::cancelTimer);
        timers.clear();
        handshake.close();
        http.close();
    }
}
