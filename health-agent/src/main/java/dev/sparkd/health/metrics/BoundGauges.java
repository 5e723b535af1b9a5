package dev.sparkd.health.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Gauges bound to one state object (a service's monitor, a host's last status): each reads its figure when
 * {@code /q/metrics} is scraped, so updating the state writes no meter. A figure that is not known (NaN: the server
 * or driver does not report it) has no series, never a 0; {@link #sync()} adds and removes series, and is called
 * only when the set of known figures may have changed.
 */
final class BoundGauges<T> {
    private record Figure<T>(String name, String help, Tags tags, ToDoubleFunction<T> value) {
    }

    private final MeterRegistry registry;
    private final Supplier<T> state;
    private final Tags tags;
    private final List<Figure<T>> figures = new ArrayList<>();
    private Gauge[] gauges = new Gauge[0];

    BoundGauges(MeterRegistry registry, Tags tags, Supplier<T> state) {
        this.registry = registry;
        this.tags = tags;
        this.state = state;
    }

    /** Declares a figure; NaN from {@code value} means unknown. */
    BoundGauges<T> figure(String name, String help, ToDoubleFunction<T> value) {
        return figure(name, help, Tags.empty(), value);
    }

    BoundGauges<T> figure(String name, String help, Tags extra, ToDoubleFunction<T> value) {
        figures.add(new Figure<>(name, help, tags.and(extra), value));
        gauges = new Gauge[figures.size()];
        return this;
    }

    /** Registers a series for every figure known now and removes those of figures no longer known. */
    synchronized void sync() {
        T now = state.get();
        for (int i = 0; i < gauges.length; i++) {
            Figure<T> f = figures.get(i);
            boolean known = now != null && !Double.isNaN(f.value().applyAsDouble(now));
            if (known && gauges[i] == null) {
                gauges[i] = Gauge.builder(f.name(), state, s -> read(s, f)).description(f.help()).tags(f.tags())
                        .strongReference(true).register(registry);
            } else if (!known && gauges[i] != null) {
                registry.remove(gauges[i]);
                gauges[i] = null;
            }
        }
    }

    private static <T> double read(Supplier<T> state, Figure<T> f) {
        T now = state.get();
        return now == null ? Double.NaN : f.value().applyAsDouble(now);
    }

    /** NaN for null: "not reported". */
    static double known(Number n) {
        return n == null ? Double.NaN : n.doubleValue();
    }
}
