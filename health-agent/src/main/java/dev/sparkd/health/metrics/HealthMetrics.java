package dev.sparkd.health.metrics;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.sparkd.daemon.metrics.LatencyBuckets;
import dev.sparkd.health.fleet.FiguresChanged;
import dev.sparkd.health.fleet.Fleet;
import dev.sparkd.health.fleet.ServiceMonitor;
import dev.sparkd.health.fleet.ServiceStateChanged;
import dev.sparkd.health.fleet.ServiceStatus;
import dev.sparkd.health.handshake.HandshakeResult;
import dev.sparkd.health.probe.Load;
import dev.sparkd.health.probe.ProbeResult;
import dev.sparkd.health.state.State;
import dev.sparkd.health.telemetry.HostStatus;
import dev.sparkd.health.telemetry.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import static dev.sparkd.health.metrics.BoundGauges.known;

/**
 * The agent's Prometheus metrics ({@code docs/metrics.md}), pulled when scraped from the monitors and the telemetry:
 * a probe writes one meter, the probe-latency histogram. Series are added or removed only when a service's set of known figures changes (absent,
 * never 0). Labels are {@code service}, {@code kind}, {@code host} (plus {@code state}, {@code outcome}, {@code path}
 * of a declared models directory) — nothing per request.
 */
@Startup
@ApplicationScoped
public class HealthMetrics {
    private final MeterRegistry registry;
    private final Telemetry telemetry;
    private final Map<String, BoundGauges<ServiceMonitor>> services = new ConcurrentHashMap<>();
    private final Map<String, Counter> incidents = new ConcurrentHashMap<>();
    private final Map<String, BoundGauges<?>> hosts = new ConcurrentHashMap<>();

    public HealthMetrics(MeterRegistry registry, Fleet fleet, Telemetry telemetry) {
        this.registry = registry;
        this.telemetry = telemetry;
        for (ServiceMonitor m : fleet.monitors()) {
            Tags tags = tags(m.status());
            services.put(m.def().name(), serviceGauges(m, tags));
            Timer latency = LatencyBuckets.timer("sparkd_health_probe_latency", "Time of each probe's main request", LatencyBuckets.PROBE)
                    .tags(tags).register(registry);
            m.onProbeLatency(nanos -> latency.record(nanos, TimeUnit.NANOSECONDS));
            FunctionCounter.builder("sparkd_health_probes", m, ServiceMonitor::probesSucceeded).description("Probes run, by outcome")
                    .tags(tags).tag("outcome", "success").register(registry);
            FunctionCounter.builder("sparkd_health_probes", m, ServiceMonitor::probesFailed).description("Probes run, by outcome")
                    .tags(tags).tag("outcome", "failure").register(registry);
            if (fleet.handshakes(m)) {
                FunctionCounter.builder("sparkd_health_handshakes", m, ServiceMonitor::handshakesPassed)
                        .description("Inference handshakes run, by outcome").tags(tags).tag("outcome", "success").register(registry);
                FunctionCounter.builder("sparkd_health_handshakes", m, ServiceMonitor::handshakesFailed)
                        .description("Inference handshakes run, by outcome").tags(tags).tag("outcome", "failure").register(registry);
            }
        }
    }

    private static Tags tags(ServiceStatus s) {
        return Tags.of("service", s.name(), "kind", s.kind(), "host", s.host() == null ? "" : s.host());
    }

    private BoundGauges<ServiceMonitor> serviceGauges(ServiceMonitor monitor, Tags tags) {
        BoundGauges<ServiceMonitor> g = new BoundGauges<>(registry, tags, () -> monitor);
        g.figure("sparkd_health_probe_success", "1 when the last probe found the service answering (UP or DEGRADED)",
                m -> probe(m, r -> r.success() ? 1 : 0));
        g.figure("sparkd_health_probe_duration_seconds", "Time of the last probe's main request",
                m -> probe(m, r -> r.latency() == null ? Double.NaN : r.latency().toNanos() / 1e9));
        g.figure("sparkd_health_probe_http_status_code", "HTTP status of the last probe's main request",
                m -> probe(m, r -> r.httpStatus() == 0 ? Double.NaN : r.httpStatus()));
        g.figure("sparkd_health_certificate_expiry_seconds", "Remaining validity of the TLS certificate (https services)",
                m -> probe(m, r -> r.certificateRemaining() == null ? Double.NaN : r.certificateRemaining().toSeconds()));
        for (State state : State.values()) {
            g.figure("sparkd_health_service_state", "1 for the service's current state, 0 for the others", Tags.of("state", state.name()),
                    m -> probe(m, r -> state.name().equals(m.status().state()) ? 1 : 0));
        }
        g.figure("sparkd_health_queue_depth", "Requests waiting (vLLM num_requests_waiting, llama.cpp requests_deferred)",
                m -> load(m, l -> known(l.queueDepth())));
        g.figure("sparkd_health_requests_running", "Requests being processed", m -> load(m, l -> known(l.requestsRunning())));
        g.figure("sparkd_health_kv_cache_usage_ratio", "vLLM KV-cache use, 0..1", m -> load(m, l -> known(l.kvCacheUsage())));
        g.figure("sparkd_health_loaded_models", "Models loaded in memory (Ollama /api/ps)",
                m -> load(m, l -> l.loadedModels() == null ? Double.NaN : l.loadedModels().size()));
        g.figure("sparkd_health_loaded_model_bytes", "Memory held by loaded models (Ollama size_vram)", m -> load(m, l -> known(l.loadedBytes())));
        g.figure("sparkd_health_installed_models", "Models installed (Ollama /api/tags)", m -> load(m, l -> known(l.installedModels())));
        g.figure("sparkd_health_slots_busy", "llama.cpp slots processing", m -> load(m, l -> known(l.slotsBusy())));
        g.figure("sparkd_health_slots", "llama.cpp slots", m -> load(m, l -> known(l.slotsTotal())));
        g.figure("sparkd_health_handshake_success", "1 when the last inference handshake answered 4",
                m -> handshake(m, h -> h.passed() ? 1 : 0));
        g.figure("sparkd_health_handshake_ttft_seconds", "Time to first token of the last handshake", m -> handshake(m, h -> known(h.ttftSeconds())));
        g.figure("sparkd_health_handshake_tokens_per_second", "Generation speed of the last handshake",
                m -> handshake(m, h -> known(h.tokensPerSecond())));
        return g;
    }

    private interface Figure<T> {
        double of(T t);
    }

    private static double probe(ServiceMonitor m, Figure<ProbeResult> f) {
        ProbeResult r = m.last();
        return r == null ? Double.NaN : f.of(r);
    }

    private static double load(ServiceMonitor m, Figure<Load> f) {
        ProbeResult r = m.last();
        return r == null ? Double.NaN : f.of(r.load());
    }

    private static double handshake(ServiceMonitor m, Figure<HandshakeResult> f) {
        HandshakeResult h = m.lastHandshake();
        return h == null || h.skipped() ? Double.NaN : f.of(h);
    }

    void figuresChanged(@Observes FiguresChanged event) {
        BoundGauges<ServiceMonitor> g = services.get(event.monitor().def().name());
        if (g != null) {
            g.sync();
        }
    }

    void stateChanged(@Observes ServiceStateChanged event) {
        var change = event.change();
        if (change.stateChanged() && change.to() != State.UP && change.from().map(f -> f == State.UP).orElse(true)) {
            ServiceStatus s = event.status();
            incidents.computeIfAbsent(s.name(), n -> Counter.builder("sparkd_health_incidents_opened")
                    .description("Incidents opened (a service left UP)").tags(tags(s)).register(registry)).increment();
        }
    }

    /** Host telemetry, once per round: series for the figures known now; the values are read when scraped. */
    void hostCollected(@Observes HostStatus h) {
        String prefix = h.name() + "\u0000";
        hosts.computeIfAbsent(h.name(), this::hostGauges);
        Tags t = Tags.of("host", h.name());
        for (HostStatus.Disk d : h.disks() == null ? List.<HostStatus.Disk>of() : h.disks()) {
            hosts.computeIfAbsent(prefix + "disk\u0000" + d.path(), k -> diskGauges(h.name(), t.and("path", d.path()), d.path()));
        }
        if (h.containers() != null) {
            h.containers().values().forEach(c -> hosts.computeIfAbsent(prefix + "container\u0000" + c.service(),
                    k -> containerGauges(h.name(), t.and("service", c.service()), c.service())));
        }
        // Every series of the host, including disks and containers this round did not report (a failed round).
        hosts.forEach((key, gauges) -> {
            if (key.equals(h.name()) || key.startsWith(prefix)) {
                gauges.sync();
            }
        });
    }

    private BoundGauges<HostStatus> hostGauges(String host) {
        BoundGauges<HostStatus> g = new BoundGauges<>(registry, Tags.of("host", host), () -> telemetry.status(host).orElse(null));
        g.figure("sparkd_health_telemetry_success", "1 when the last SSH telemetry round on the host worked", h -> h.at() == null && !h.ok()
                ? Double.NaN : h.ok() ? 1 : 0);
        g.figure("sparkd_health_gpu_utilization_ratio", "GPU utilisation, 0..1 (nvidia-smi)", h -> gpu(h, HostStatus.Gpu::utilization));
        g.figure("sparkd_health_gpu_temperature_celsius", "GPU temperature", h -> gpu(h, HostStatus.Gpu::temperature));
        g.figure("sparkd_health_gpu_power_watts", "GPU power draw", h -> gpu(h, HostStatus.Gpu::power));
        g.figure("sparkd_health_gpu_sm_clock_hertz", "GPU SM clock", h -> gpu(h, HostStatus.Gpu::smClock));
        g.figure("sparkd_health_gpu_memory_clock_hertz", "GPU memory clock", h -> gpu(h, HostStatus.Gpu::memoryClock));
        g.figure("sparkd_health_gpu_memory_total_bytes", "GPU memory (discrete GPUs; absent on GB10)", h -> gpu(h, HostStatus.Gpu::memoryTotal));
        g.figure("sparkd_health_gpu_memory_used_bytes", "GPU memory used (discrete GPUs; absent on GB10)", h -> gpu(h, HostStatus.Gpu::memoryUsed));
        g.figure("sparkd_health_gpu_unified_memory", "1 when GPU and CPU share host memory (GB10)",
                h -> !h.ok() || h.unifiedMemory() == null ? Double.NaN : h.unifiedMemory() ? 1 : 0);
        g.figure("sparkd_health_gpu_process_memory_bytes", "GPU memory held by compute processes (nvidia-smi --query-compute-apps)",
                h -> ok(h, h.gpuProcessMemoryBytes()));
        g.figure("sparkd_health_gpu_processes", "GPU compute processes", h -> ok(h, h.gpuProcesses()));
        g.figure("sparkd_health_host_memory_total_bytes", "Host memory (/proc/meminfo MemTotal)", h -> ok(h, h.memoryTotalBytes()));
        g.figure("sparkd_health_host_memory_available_bytes", "Host memory available (/proc/meminfo MemAvailable)",
                h -> ok(h, h.memoryAvailableBytes()));
        g.figure("sparkd_health_host_memory_used_bytes", "Host memory used (MemTotal - MemAvailable); the GPU's memory on GB10",
                h -> ok(h, h.memoryUsedBytes()));
        return g;
    }

    private BoundGauges<HostStatus.Disk> diskGauges(String host, Tags tags, String path) {
        BoundGauges<HostStatus.Disk> g = new BoundGauges<>(registry, tags, () -> telemetry.status(host).filter(HostStatus::ok)
                .flatMap(h -> h.disks() == null ? Optional.empty() : h.disks().stream().filter(d -> d.path().equals(path)).findFirst())
                .orElse(null));
        g.figure("sparkd_health_disk_free_bytes", "Free space of a declared models directory", HostStatus.Disk::free);
        g.figure("sparkd_health_disk_size_bytes", "Size of the file system of a declared models directory", HostStatus.Disk::size);
        g.figure("sparkd_health_disk_warning", "1 when the directory's file system is at least [health] disk_warning full",
                d -> d.warning() ? 1 : 0);
        return g;
    }

    private BoundGauges<HostStatus.Container> containerGauges(String host, Tags tags, String service) {
        BoundGauges<HostStatus.Container> g = new BoundGauges<>(registry, tags, () -> telemetry.status(host).filter(HostStatus::ok)
                .flatMap(h -> h.containers() == null ? Optional.empty()
                        : h.containers().values().stream().filter(c -> c.service().equals(service)).findFirst())
                .orElse(null));
        g.figure("sparkd_health_container_running", "1 when the service's declared container runs", c -> c.running() ? 1 : 0);
        return g;
    }

    private static double gpu(HostStatus h, Function<HostStatus.Gpu, Number> f) {
        return !h.ok() || h.gpu() == null ? Double.NaN : known(f.apply(h.gpu()));
    }

    private static double ok(HostStatus h, Number n) {
        return h.ok() ? known(n) : Double.NaN;
    }
}
