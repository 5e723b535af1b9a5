package dev.sparkd.health.config;

import java.time.Duration;

import dev.sparkd.services.config.ConfigTable;
import dev.sparkd.services.config.Listen;
import dev.sparkd.services.config.SectionSchema;
import dev.sparkd.services.config.SuiteConfig;

/** Reads {@code [health]}; registered for the shared loader in {@code META-INF/services}. */
public final class HealthSchema implements SectionSchema<HealthSettings> {
    public static final int DEFAULT_PORT = 8471;

    @Override
    public String section() {
        return "health";
    }

    @Override
    public String daemon() {
        return "health-agent";
    }

    @Override
    public Class<HealthSettings> type() {
        return HealthSettings.class;
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
        t.finish();
        return new HealthSettings(listen, interval, handshake, timeout, failures, successes, retention);
    }
}
