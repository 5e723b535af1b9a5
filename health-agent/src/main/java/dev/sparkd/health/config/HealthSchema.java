package dev.sparkd.health.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import dev.sparkd.health.config.HealthSettings.Thresholds;
import dev.sparkd.health.probe.ConditionSyntax;
import dev.sparkd.core.config.ConfigTable;
import dev.sparkd.core.config.Listen;
import dev.sparkd.core.config.SectionSchema;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.config.ServiceKind;
import dev.sparkd.core.config.Suggestions;
import dev.sparkd.core.config.SuiteConfig;

/** Reads {@code [health]}; registered for the shared loader in {@code META-INF/services}. */
public final class HealthSchema extends SectionSchema<HealthSettings> {
    public static final int DEFAULT_PORT = 8471;

    public HealthSchema() {
        super("health", HealthSettings.class);
    }

    @Override
    public HealthSettings read(ConfigTable t, SuiteConfig core) {
        Listen listen = Listen.read(t, "listen", DEFAULT_PORT);
        Duration interval = t.duration("interval", Duration.ofSeconds(1), Duration.ofHours(1)).orElse(Duration.ofSeconds(30));
        Duration handshake = t.duration("handshake_interval", Duration.ofSeconds(10), Duration.ofDays(1)).orElse(Duration.ofMinutes(5));
        Duration timeout = t.duration("timeout", Duration.ofMillis(100), Duration.ofMinutes(5)).orElse(Duration.ofSeconds(5));
        if (timeout.compareTo(interval) > 0) {
            t.error("timeout", "the probe timeout (" + timeout.toSeconds() + "s) is longer than the interval", "make timeout shorter than interval");
        }
        int failures = t.integer("failure_threshold", 1, 100).orElse(3L).intValue();
        int successes = t.integer("success_threshold", 1, 100).orElse(1L).intValue();
        Duration retention = t.duration("retention", Duration.ofDays(1), Duration.ofDays(3650)).orElse(Duration.ofDays(90));
        Duration cloud = t.duration("cloud_interval", Duration.ofSeconds(30), Duration.ofDays(1)).orElse(Duration.ofMinutes(5));
        Duration hosts = t.duration("host_interval", Duration.ofSeconds(1), Duration.ofHours(1)).orElse(interval);
        Duration slow = t.duration("slow_response", Duration.ofMillis(10), Duration.ofMinutes(5)).orElse(Duration.ofSeconds(1));
        Thresholds defaults = thresholds(t, new Thresholds(OptionalDouble.of(16), OptionalDouble.of(0.95), Optional.empty(), OptionalDouble.empty()));

        Map<String, HealthSettings.ServiceOverrides> overrides = new LinkedHashMap<>();
        t.namedTables("services").forEach((name, s) -> {
            if (!core.services().containsKey(name)) {
                s.error(null, "no service named \"" + name + "\"", core.services().isEmpty() ? "declare it as [services." + name + "]"
                        : Suggestions.hint(name, core.services().keySet()));
            }
            Optional<String> model = s.string("handshake_model");
            boolean enabled = s.bool("handshake", true);
            Optional<Duration> own = s.duration("interval", Duration.ofSeconds(1), Duration.ofHours(1));
            Thresholds th = thresholds(s, new Thresholds(OptionalDouble.empty(), OptionalDouble.empty(), Optional.empty(), OptionalDouble.empty()));
            s.finish();
            overrides.put(name, new HealthSettings.ServiceOverrides(model, enabled, own, th));
        });

        double diskWarning = t.number("disk_warning", 0.5, 0.99).orElse(HealthSettings.DEFAULT_DISK_WARNING);
        HealthSettings.Notify notify = NotifySchema.read(t, core);
        t.finish();

        // Gatus-style conditions of http services are checked here, where the health-agent's grammar lives.
        for (ServiceDef def : core.services().values()) {
            if (def.kind() != ServiceKind.HTTP) {
                continue;
            }
            for (int i = 0; i < def.conditions().size(); i++) {
                String problem = ConditionSyntax.check(def.conditions().get(i));
                if (problem != null) {
                    t.problems().add(null, "services." + def.name() + ".conditions[" + i + "]", problem,
                            "conditions look like \"[STATUS] == 200\", \"[BODY].status == ok\", \"[RESPONSE_TIME] < 300\"");
                }
            }
        }
        return new HealthSettings(listen, interval, handshake, timeout, failures, successes, retention, cloud, hosts, slow,
                defaults, overrides, notify, diskWarning);
    }

    private static Thresholds thresholds(ConfigTable t, Thresholds fallback) {
        OptionalDouble queue = t.integer("max_queue", 0, 1_000_000).map(n -> OptionalDouble.of(n)).orElse(fallback.maxQueue());
        OptionalDouble kv = t.number("max_kv_cache", 0, 1).map(OptionalDouble::of).orElse(fallback.maxKvCache());
        Optional<Duration> ttft = t.duration("handshake_max_ttft", Duration.ofMillis(1), Duration.ofMinutes(10)).or(fallback::handshakeMaxTtft);
        OptionalDouble tps = t.number("handshake_min_tokens_per_second", 0, 100_000).map(OptionalDouble::of)
                .orElse(fallback.handshakeMinTokensPerSecond());
        return new Thresholds(queue, kv, ttft, tps);
    }
}
