package dev.sparkd.models.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.sparkd.core.config.Host;
import dev.sparkd.models.config.ModelsSettings;
import dev.sparkd.models.engine.Backends;
import dev.sparkd.models.engine.DiskGuard;
import dev.sparkd.models.engine.Plan;
import dev.sparkd.models.engine.SwapService;
import dev.sparkd.models.operation.Operation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code sparkd_models_*} on {@code /q/metrics}: gauges read the engine's last observations when scraped; counters and
 * the swap timer are fed by finished operations. Labels: {@code service} and {@code host} (from the file),
 * {@code kind} (pull, update, prune, swap), {@code outcome} (an operation state), {@code model} only as a catalog key.
 * Created at start, so every gauge is there before the first reconcile.
 */
@Startup
@ApplicationScoped
public class ModelsMetrics implements Operation.OperationListener {
    static final double DISK_WARNING_RATIO = 0.8;
    private static final String DRIFT_HELP = "Declared models not yet matched (pull, update, prune or swap pending) at the last reconcile";
    private final MeterRegistry registry;
    private final Map<String, Integer> drift = new ConcurrentHashMap<>();

    public ModelsMetrics(MeterRegistry registry, Backends backends, DiskGuard disk, SwapService swaps) {
        this.registry = registry;
        ModelsSettings settings = backends.settings();
        for (String service : settings.ollama().keySet()) {
            driftGauge(service);
            String host = backends.hostOf(service).map(Host::name).orElse(service);
            Gauge.builder("sparkd_models_disk_free", disk, d -> d.lastSeen().containsKey(host) ? d.lastSeen().get(host).available() : Double.NaN)
                    .baseUnit("bytes").tag("host", host).description("Free bytes on the host's models filesystem at the last check").register(registry);
            Gauge.builder("sparkd_models_disk_warning", disk, d -> d.lastSeen().containsKey(host)
                    && d.lastSeen().get(host).usedRatio() >= DISK_WARNING_RATIO ? 1 : 0)
                    .tag("host", host).description("1 when the models filesystem is at least 80% used").register(registry);
        }
        for (var e : settings.vllm().entrySet()) {
            String service = e.getKey();
            driftGauge(service);
            for (String key : e.getValue().catalog().keySet()) {
                Gauge.builder("sparkd_models_vllm_active", swaps, s -> s.lastKnown(service).map(key::equals).orElse(false) ? 1 : 0)
                        .tags("service", service, "model", key).description("1 for the catalog model a vLLM service serves").register(registry);
            }
        }
    }

    private void driftGauge(String service) {
        drift.put(service, 0);
        Gauge.builder("sparkd_models_drift", drift, d -> d.getOrDefault(service, 0)).tag("service", service)
                .description(DRIFT_HELP).register(registry);
    }

    /** Records what a plan or reconcile found still to do. */
    public void planned(Plan plan) {
        for (Plan.ServicePlan s : plan.services()) {
            drift.put(s.service(), (int) s.items().stream().filter(Plan.Item::isChange).count() + (s.error() == null ? 0 : 1));
        }
    }

    @Override
    public void progress(Operation op, long newBytes) {
        if (newBytes > 0) {
            Counter.builder("sparkd_models_pull_bytes").baseUnit("bytes").tag("service", op.service())
                    .description("Bytes downloaded by pulls and updates").register(registry).increment(newBytes);
        }
    }

    @Override
    public void finished(Operation op) {
        Counter.builder("sparkd_models_operations").tags("kind", op.kind(), "outcome", op.state().label())
                .description("Finished operations by kind and outcome").register(registry).increment();
        if (op.kind().equals("pull") || op.kind().equals("update")) {
            Counter.builder("sparkd_models_pulls").tags("service", op.service(), "outcome", op.state().label())
                    .description("Pulls and updates by outcome").register(registry).increment();
        }
        if (op.kind().equals("swap")) {
            Timer.builder("sparkd_models_swap_duration").tags("service", op.service(), "outcome", op.state().label())
                    .description("Time from a swap request to its outcome, gate and rollback included").register(registry)
                    .record(Duration.ofMillis((long) (op.view().durationSeconds() * 1000)));
        }
    }
}
