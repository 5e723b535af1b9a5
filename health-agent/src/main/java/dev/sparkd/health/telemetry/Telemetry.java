package dev.sparkd.health.telemetry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import dev.sparkd.core.config.Host;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.ssh.SshRunner;
import dev.sparkd.core.ssh.SshRunnerOptions;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Telemetry of every host with {@code ssh} settings, each on its own timer; the blocking SSH work runs on worker
 * threads, never on the event loop. Keeps the last status per host and knows when a declared container started (the
 * probes use that to tell a loading vLLM from a dead one).
 */
public final class Telemetry implements AutoCloseable {
    private final Vertx vertx;
    private final Executor workers;
    private final SshRunner ssh;
    private final long intervalMs;
    private final Map<String, HostTelemetry> hosts = new LinkedHashMap<>();
    private final Map<String, HostStatus> latest = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Consumer<HostStatus>> listeners = new CopyOnWriteArrayList<>();
    // A concurrent set: with thousands of services, a copy-on-write list would copy itself on every probe.
    private final java.util.Set<Long> timers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    public Telemetry(Vertx vertx, Executor workers, SuiteConfig config, java.time.Duration interval) {
        this.vertx = vertx;
        this.workers = workers;
        this.intervalMs = interval.toMillis();
        this.ssh = new SshRunner(SshRunnerOptions.defaults().withConnectTimeout(java.time.Duration.ofSeconds(5)), workers);
        List<dev.sparkd.core.config.ServiceDef> services = new ArrayList<>(config.services().values());
        config.hosts().values().stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(h -> {
            if (h.ssh().isPresent()) {
                hosts.put(h.name(), new HostTelemetry(h, services, ssh));
                latest.put(h.name(), HostStatus.pending(h.name(), h.gpu().name().toLowerCase(), "not collected yet"));
            } else {
                latest.put(h.name(), HostStatus.pending(h.name(), h.gpu().name().toLowerCase(), "no ssh settings: telemetry off"));
            }
        });
    }

    public void addListener(Consumer<HostStatus> listener) {
        listeners.add(listener);
    }

    public List<HostStatus> statuses() {
        return latest.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    public Optional<HostStatus> status(String host) {
        return Optional.ofNullable(latest.get(host));
    }

    /** When the container that runs {@code service} last started, if telemetry saw it running. */
    public Optional<Instant> containerStarted(String service) {
        for (HostStatus h : latest.values()) {
            if (h.containers() == null) {
                continue;
            }
            for (HostStatus.Container c : h.containers().values()) {
                if (service.equals(c.service()) && c.running() && c.startedAt() != null) {
                    return Optional.of(c.startedAt());
                }
            }
        }
        return Optional.empty();
    }

    /** One round on one host, on a worker thread. */
    public Uni<HostStatus> collect(String host) {
        HostTelemetry t = hosts.get(host);
        if (t == null) {
            return Uni.createFrom().item(latest.get(host));
        }
        return Uni.createFrom().item(t::collect).runSubscriptionOn(workers).invoke(s -> {
            latest.put(host, s);
            listeners.forEach(l -> l.accept(s));
        });
    }

    public Uni<List<HostStatus>> collectAll() {
        if (hosts.isEmpty()) {
            return Uni.createFrom().item(statuses());
        }
        List<Uni<HostStatus>> all = hosts.keySet().stream().map(this::collect).toList();
        return Uni.join().all(all).andCollectFailures().replaceWith(this::statuses);
    }

    public void start() {
        running = true;
        long offset = 500;
        for (String host : hosts.keySet()) {
            schedule(host, offset);
            offset += 250;
        }
    }

    private void schedule(String host, long delay) {
        if (!running) {
            return;
        }
        timers.add(vertx.setTimer(Math.max(1, delay), id -> {
            timers.remove(id);
            long start = System.currentTimeMillis();
            collect(host).subscribe().with(s -> schedule(host, start + intervalMs - System.currentTimeMillis()),
                    e -> schedule(host, start + intervalMs - System.currentTimeMillis()));
        }));
    }

    public List<Host> hosts() {
        return hosts.values().stream().map(HostTelemetry::host).toList();
    }

    @Override
    public void close() {
        running = false;
        timers.forEach(vertx::cancelTimer);
        ssh.close();
    }
}
