package dev.sparkd.health.telemetry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import dev.sparkd.core.config.Host;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.ssh.SshRunner;
import dev.sparkd.core.ssh.SshRunnerOptions;
import dev.sparkd.health.config.HealthSettings;
import io.smallrye.mutiny.Uni;

/**
 * Telemetry of every host with {@code ssh} settings; the blocking SSH work runs on worker threads, never on the event
 * loop (the daemon's {@code ProbeSchedule} runs a round per host every {@code host_interval}). Keeps the last status
 * per host and the state of each declared container (the monitors use it to tell a loading vLLM from a dead one, and
 * to name why a dead one exited).
 */
public final class Telemetry implements AutoCloseable {
    private final Executor workers;
    private final SshRunner ssh;
    private final Consumer<HostStatus> collected;
    private final Map<String, HostTelemetry> hosts = new LinkedHashMap<>();
    private final Map<String, HostStatus> latest = new ConcurrentHashMap<>();

    /** @param collected told about every finished round (the metrics observe it) */
    public Telemetry(Executor workers, SuiteConfig config, Consumer<HostStatus> collected) {
        this.workers = workers;
        this.collected = collected;
        this.ssh = new SshRunner(SshRunnerOptions.defaults().withConnectTimeout(Duration.ofSeconds(5)), workers);
        List<ServiceDef> services = new ArrayList<>(config.services().values());
        double diskWarning = config.section(HealthSettings.class).diskWarning();
        config.hosts().values().stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(h -> {
            if (h.ssh().isPresent()) {
                hosts.put(h.name(), new HostTelemetry(h, services, ssh, diskWarning));
                latest.put(h.name(), HostStatus.pending(h.name(), h.gpu().name().toLowerCase(), "not collected yet"));
            } else {
                latest.put(h.name(), HostStatus.pending(h.name(), h.gpu().name().toLowerCase(), "no ssh settings: telemetry off"));
            }
        });
    }

    public List<HostStatus> statuses() {
        return latest.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    public Optional<HostStatus> status(String host) {
        return Optional.ofNullable(latest.get(host));
    }

    /** The declared container that runs {@code service}, as the last round saw it. */
    public Optional<HostStatus.Container> container(String service) {
        for (HostStatus h : latest.values()) {
            if (h.containers() == null) {
                continue;
            }
            for (HostStatus.Container c : h.containers().values()) {
                if (service.equals(c.service())) {
                    return Optional.of(c);
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
            collected.accept(s);
        });
    }

    public Uni<List<HostStatus>> collectAll() {
        if (hosts.isEmpty()) {
            return Uni.createFrom().item(statuses());
        }
        List<Uni<HostStatus>> all = hosts.keySet().stream().map(this::collect).toList();
        return Uni.join().all(all).andCollectFailures().replaceWith(this::statuses);
    }

    /** The hosts with telemetry (those with {@code ssh} settings). */
    public List<Host> hosts() {
        return hosts.values().stream().map(HostTelemetry::host).toList();
    }

    @Override
    public void close() {
        ssh.close();
    }
}
