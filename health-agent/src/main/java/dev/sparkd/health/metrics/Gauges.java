package dev.sparkd.health.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Gauges that exist only while their value is known: {@code set(…, null)} removes the series, so an unsupported
 * figure (nvidia-smi's {@code [N/A]}) is absent from {@code /q/metrics}, never a 0.
 */
final class Gauges {
    private record Key(String name, Tags tags) {
    }

    private static final class Holder {
        volatile double value;

        double get() {
            return value;
        }
    }

    private record Entry(Holder value, Gauge gauge) {
    }

    private final MeterRegistry registry;
    private final Map<Key, Entry> gauges = new ConcurrentHashMap<>();

    Gauges(MeterRegistry registry) {
        this.registry = registry;
    }

    void set(String name, String help, Tags tags, Number value) {
        Key key = new Key(name, tags);
        if (value == null || Double.isNaN(value.doubleValue())) {
            Entry gone = gauges.remove(key);
            if (gone != null) {
                registry.remove(gone.gauge());
            }
            return;
        }
        gauges.computeIfAbsent(key, k -> {
            Holder holder = new Holder();
            Gauge g = Gauge.builder(name, holder, Holder::get).description(help).tags(tags).register(registry);
            return new Entry(holder, g);
        }).value().value = value.doubleValue();
    }
}
