package dev.sparkd.health.metrics;

import java.util.HashMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * One service's (or host's) meters, looked up once: a probe then only writes numbers, which keeps the cost per probe
 * low with thousands of services. A gauge set to null is removed (absent, never 0).
 */
final class ServiceMeters {
    private static final class Slot {
        volatile double value;
        Gauge gauge;

        double get() {
            return value;
        }
    }

    private final MeterRegistry registry;
    private final Tags tags;
    private final Map<String, Slot> slots = new HashMap<>();
    private final Map<String, Counter> counters = new HashMap<>();

    ServiceMeters(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
    }

    /** Sets gauge {@code name} (with {@code extraKey=extraValue} when given). Single writer per service. */
    synchronized void set(String name, String help, Number value) {
        set(name, help, null, null, value);
    }

    synchronized void set(String name, String help, String extraKey, String extraValue, Number value) {
        String key = extraKey == null ? name : name + '\u0000' + extraValue;
        Slot slot = slots.get(key);
        if (value == null || Double.isNaN(value.doubleValue())) {
            if (slot != null) {
                registry.remove(slot.gauge);
                slots.remove(key);
            }
            return;
        }
        if (slot == null) {
            Slot s = new Slot();
            s.gauge = Gauge.builder(name, s, Slot::get).description(help).tags(extraKey == null ? tags : tags.and(extraKey, extraValue))
                    .register(registry);
            slots.put(key, s);
            slot = s;
        }
        slot.value = value.doubleValue();
    }

    synchronized void increment(String name, String help, String extraKey, String extraValue) {
        counters.computeIfAbsent(name + '\u0000' + extraValue, k -> Counter.builder(name).description(help).tags(tags)
                .tag(extraKey, extraValue).register(registry)).increment();
    }

    synchronized void increment(String name, String help) {
        counters.computeIfAbsent(name, k -> Counter.builder(name).description(help).tags(tags).register(registry)).increment();
    }
}
