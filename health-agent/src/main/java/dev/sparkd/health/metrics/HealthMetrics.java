package dev.sparkd.health.metrics;

import java.util.List;

import dev.sparkd.health.fleet.FleetListener;
import dev.sparkd.health.fleet.ServiceStatus;
import dev.sparkd.health.handshake.HandshakeResult;
import dev.sparkd.health.probe.Load;
import dev.sparkd.health.probe.ProbeResult;
import dev.sparkd.health.state.State;
import dev.sparkd.health.state.StateMachine;
import dev.sparkd.health.telemetry.HostStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The agent's Prometheus metrics ({@code docs/metrics.md}): probe results, states, load, handshakes and host
 * telemetry. Labels are {@code service}, {@code kind}, {@code host} (plus {@code state}, {@code outcome},
 * {@code path} of a declared models directory) — nothing per request.
 */
@ApplicationScoped
public class HealthMetrics implements FleetListener {
    private final MeterRegistry registry;
    private final Gauges gauges;
    private final java.util.Set<String> seenHandshakes = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Map<String, ServiceMeters> services = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, ServiceMeters> hosts = new java.util.concurrent.ConcurrentHashMap<>();

    private ServiceMeters meters(ServiceStatus s) {
        return services.computeIfAbsent(s.name(), n -> new ServiceMeters(registry, tags(s)));
    }

    public HealthMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.gauges = new Gauges(registry);
    }

    private static Tags tags(ServiceStatus s) {
        return Tags.of("service", s.name(), "kind", s.kind(), "host", s.host() == null ? "" : s.host());
    }

    @Override
    public void probed(ServiceStatus s, ProbeResult r) {
        ServiceMeters m = meters(s);
        m.set("sparkd_health_probe_success", "1 when the last probe found the service answering (UP or DEGRADED)", r.success() ? 1 : 0);
        m.set("sparkd_health_probe_duration_seconds", "Time of the last probe's main request", r.latency() == null ? null : r.latency().toNanos() / 1e9);
        m.set("sparkd_health_probe_http_status_code", "HTTP status of the last probe's main request", r.httpStatus() == 0 ? null : r.httpStatus());
        m.set("sparkd_health_certificate_expiry_seconds", "Remaining validity of the TLS certificate (https services)",
                r.certificateRemaining() == null ? null : (double) r.certificateRemaining().toSeconds());
        m.increment("sparkd_health_probes", "Probes run, by outcome", "outcome", r.success() ? "success" : "failure");
        for (State state : STATES) {
            m.set("sparkd_health_service_state", "1 for the service's current state, 0 for the others", "state", state.name(),
                    state.name().equals(s.state()) ? 1 : 0);
        }
        Load l = r.load();
        if (l != Load.NONE || s.kind().equals("ollama") || s.kind().equals("vllm") || s.kind().equals("llamacpp")) {
            m.set("sparkd_health_queue_depth", "Requests waiting (vLLM num_requests_waiting, llama.cpp requests_deferred)", l.queueDepth());
            m.set("sparkd_health_requests_running", "Requests being processed", l.requestsRunning());
            m.set("sparkd_health_kv_cache_usage_ratio", "vLLM KV-cache use, 0..1", l.kvCacheUsage());
            m.set("sparkd_health_loaded_models", "Models loaded in memory (Ollama /api/ps)", l.loadedModels() == null ? null : l.loadedModels().size());
            m.set("sparkd_health_loaded_model_bytes", "Memory held by loaded models (Ollama size_vram)", l.loadedBytes());
            m.set("sparkd_health_installed_models", "Models installed (Ollama /api/tags)", l.installedModels());
            m.set("sparkd_health_slots_busy", "llama.cpp slots processing", l.slotsBusy());
            m.set("sparkd_health_slots", "llama.cpp slots", l.slotsTotal());
        }
        HandshakeResult h = s.handshake();
        if (h != null && !h.skipped()) {
            m.set("sparkd_health_handshake_success", "1 when the last inference handshake answered 4", h.passed() ? 1 : 0);
            m.set("sparkd_health_handshake_ttft_seconds", "Time to first token of the last handshake", h.ttftSeconds());
            m.set("sparkd_health_handshake_tokens_per_second", "Generation speed of the last handshake", h.tokensPerSecond());
            String key = s.name() + "@" + h.at();
            if (seenHandshakes.add(key)) {
                seenHandshakes.removeIf(k -> k.startsWith(s.name() + "@") && !k.equals(key));
                m.increment("sparkd_health_handshakes", "Inference handshakes run, by outcome", "outcome", h.passed() ? "success" : "failure");
            }
        }
    }

    private static final State[] STATES = State.values();

    @Override
    public void changed(ServiceStatus s, StateMachine.Change change) {
        if (change.stateChanged() && change.to() != State.UP && change.from().map(f -> f == State.UP).orElse(true)) {
            meters(s).increment("sparkd_health_incidents_opened", "Incidents opened (a service left UP)");
        }
    }

    /** Host telemetry; absent figures remove their series. */
    public void host(HostStatus h) {
        Tags t = Tags.of("host", h.name());
        gauges.set("sparkd_health_telemetry_success", "1 when the last SSH telemetry round on the host worked", t, h.ok() ? 1 : 0);
        if (!h.ok()) {
            return;
        }
        HostStatus.Gpu g = h.gpu();
        gauges.set("sparkd_health_gpu_utilization_ratio", "GPU utilisation, 0..1 (nvidia-smi)", t, g == null ? null : g.utilization());
        gauges.set("sparkd_health_gpu_temperature_celsius", "GPU temperature", t, g == null ? null : g.temperature());
        gauges.set("sparkd_health_gpu_power_watts", "GPU power draw", t, g == null ? null : g.power());
        gauges.set("sparkd_health_gpu_sm_clock_hertz", "GPU SM clock", t, g == null ? null : g.smClock());
        gauges.set("sparkd_health_gpu_memory_clock_hertz", "GPU memory clock", t, g == null ? null : g.memoryClock());
        gauges.set("sparkd_health_gpu_memory_total_bytes", "GPU memory (discrete GPUs; absent on GB10)", t, g == null ? null : g.memoryTotal());
        gauges.set("sparkd_health_gpu_memory_used_bytes", "GPU memory used (discrete GPUs; absent on GB10)", t, g == null ? null : g.memoryUsed());
        gauges.set("sparkd_health_gpu_unified_memory", "1 when GPU and CPU share host memory (GB10)", t, h.unifiedMemory() == null ? null : (h.unifiedMemory() ? 1 : 0));
        gauges.set("sparkd_health_gpu_process_memory_bytes", "GPU memory held by compute processes (nvidia-smi --query-compute-apps)", t, h.gpuProcessMemoryBytes());
        gauges.set("sparkd_health_gpu_processes", "GPU compute processes", t, h.gpuProcesses());
        gauges.set("sparkd_health_host_memory_total_bytes", "Host memory (/proc/meminfo MemTotal)", t, h.memoryTotalBytes());
        gauges.set("sparkd_health_host_memory_available_bytes", "Host memory available (/proc/meminfo MemAvailable)", t, h.memoryAvailableBytes());
        gauges.set("sparkd_health_host_memory_used_bytes", "Host memory used (MemTotal - MemAvailable); the GPU's memory on GB10", t, h.memoryUsedBytes());
        for (HostStatus.Disk d : h.disks() == null ? List.<HostStatus.Disk>of() : h.disks()) {
            Tags dt = t.and("path", d.path());
            gauges.set("sparkd_health_disk_free_bytes", "Free space of a declared models directory", dt, d.free());
            gauges.set("sparkd_health_disk_size_bytes", "Size of the file system of a declared models directory", dt, d.size());
        }
        if (h.containers() != null) {
            h.containers().values().forEach(c -> gauges.set("sparkd_health_container_running",
                    "1 when the service's declared container runs", t.and("service", c.service()), c.running() ? 1 : 0));
        }
    }
}
