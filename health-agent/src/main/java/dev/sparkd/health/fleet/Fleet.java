package dev.sparkd.health.fleet;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.handshake.Handshake;
import dev.sparkd.health.probe.CloudProbe;
import dev.sparkd.health.probe.HttpProbe;
import dev.sparkd.health.probe.LlamaCppProbe;
import dev.sparkd.health.probe.OllamaProbe;
import dev.sparkd.health.probe.Probe;
import dev.sparkd.health.probe.TcpProbe;
import dev.sparkd.health.probe.VllmProbe;
import dev.sparkd.health.telemetry.HostStatus;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.config.ServiceKind;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.http.BackendHttp;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * Every declared service with its probe and state, all probes over one keep-alive connection pool. Plain Java, no
 * schedule of its own: the daemon's {@link ProbeSchedule} runs the probes and handshakes, and {@code --once} calls
 * {@link #probeAll()}.
 */
public final class Fleet implements AutoCloseable {
    /** Connections per probed service: a probe sends up to four requests at once. */
    private static final int CONNECTIONS_PER_SERVICE = 4;
    /**
     * At most this many connections to one endpoint (host and port), however many services it serves: a slow server
     * behind hundreds of services is not sent hundreds of connections, nor a server that keeps only so many idle
     * keep-alive connections (the JDK's HTTP server: 200) more than it keeps.
     */
    static final int MAX_CONNECTIONS_PER_ENDPOINT = 64;

    private final HealthSettings settings;
    private final Handshake handshake;
    private final HttpClient pool;
    private final Map<String, ServiceMonitor> monitors = new LinkedHashMap<>();

    /**
     * @param containers       a service's declared container as telemetry last saw it: when it started (the
     *                         start-grace rule) or how it exited (the reason of a refused port)
     * @param agentStart       when the agent started: a closed vLLM/llama.cpp port counts as loading within the start
     *                         grace after it. {@link Instant#EPOCH} for one-shot runs, which have no history to judge by.
     */
    public Fleet(Vertx vertx, SuiteConfig config, HealthSettings settings, Handshake handshake, FleetEvents events,
            Function<String, Optional<HostStatus.Container>> containers, Instant agentStart) {
        this.settings = settings;
        this.handshake = handshake;
        this.pool = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(120)
                .setMaxPoolSize(poolSize(config.services().values()))
                .setDecompressionSupported(true));
        config.services().values().stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(def ->
                monitors.put(def.name(), new ServiceMonitor(def, probe(vertx, def), settings, agentStart, containers, events)));
    }

    /**
     * Connections per endpoint (Vert.x sizes its pool per host and port): enough for every service on the busiest
     * endpoint to probe at once, so a probe never queues behind other services' probes of the same server (and
     * times out there, not at the server). Connections open only as probes overlap and close when idle.
     */
    static int poolSize(Collection<ServiceDef> services) {
        Map<String, Integer> perEndpoint = new HashMap<>();
        for (ServiceDef def : services) {
            if (def.kind() != ServiceKind.TCP) {
                URI uri = def.baseUri();
                perEndpoint.merge(uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort(), 1, Integer::sum);
            }
        }
        int busiest = perEndpoint.values().stream().mapToInt(Integer::intValue).max().orElse(1);
        return (int) Math.min(MAX_CONNECTIONS_PER_ENDPOINT, (long) busiest * CONNECTIONS_PER_SERVICE);
    }

    private Probe probe(Vertx vertx, ServiceDef def) {
        // a CA file or a pinned certificate is a pool setting in Vert.x: such a service gets a pool of its own
        BackendHttp http = def.kind() == ServiceKind.TCP ? null : def.tls().isDefault()
                ? BackendHttp.over(vertx, pool, def.baseUri(), settings.timeout())
                : new BackendHttp(vertx, def.baseUri(), settings.timeout(), def.tls());
        return switch (def.kind()) {
            case OLLAMA -> new OllamaProbe(def, http, settings);
            case VLLM -> new VllmProbe(def, http, settings);
            case LLAMACPP -> new LlamaCppProbe(def, http, settings);
            case OPENAI -> new CloudProbe(def, http, settings);
            case HTTP -> new HttpProbe(def, http, settings);
            case TCP -> new TcpProbe(def, null, settings, vertx.getDelegate());
        };
    }

    public Collection<ServiceMonitor> monitors() {
        return monitors.values();
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

    /** Whether this service gets inference handshakes. */
    public boolean handshakes(ServiceMonitor m) {
        return handshake.applies(m.def());
    }

    /** Runs one handshake on a service now; a service whose last probe failed gets none (the probe already says why). */
    public Uni<Void> handshake(String name) {
        ServiceMonitor m = monitors.get(name);
        if (m == null || !handshake.applies(m.def()) || m.last() == null || !m.last().success()) {
            return Uni.createFrom().voidItem();
        }
        return handshake.run(m.def(), m.lastLoad()).invoke(m::handshake).replaceWithVoid();
    }

    /** The time between probes of a service: its own {@code interval}, else the cloud or the default interval. */
    public Duration interval(ServiceDef def) {
        return settings.overrides(def.name()).flatMap(HealthSettings.ServiceOverrides::interval)
                .orElse(def.kind() == ServiceKind.OPENAI && !"compatible".equals(def.provider().orElse(""))
                        ? settings.cloudInterval() : settings.interval());
    }

    @Override
    public void close() {
        pool.closeAndForget();
    }
}
