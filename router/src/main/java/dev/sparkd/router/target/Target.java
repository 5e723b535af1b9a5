package dev.sparkd.router.target;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sparkd.router.config.RouterSettings;
import dev.sparkd.core.config.ServiceDef;

/**
 * One routable target ({@code service} or {@code service:model}) and what the router knows about it right now:
 * breaker, requests in flight, EWMA of time to first token, and live state from the background refresher.
 */
public final class Target {
    private final String id;
    private final Upstream upstream;
    private final String model;
    private final Breaker breaker;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile double ewmaTtftMillis = Double.NaN;

    public Target(String id, Upstream upstream, String model, RouterSettings.Breaker breaker) {
        this.id = id;
        this.upstream = upstream;
        this.model = model;
        this.breaker = new Breaker(breaker.failures(), breaker.cooldown().toNanos());
    }

    /** {@code service} or {@code service:model}, as written in the route. */
    public String id() {
        return id;
    }

    public Upstream upstream() {
        return upstream;
    }

    public String service() {
        return upstream.name();
    }

    public boolean cloud() {
        return upstream.cloud();
    }

    /** Prompts sent here stay on hardware the operator controls: the only targets of local-only requests. */
    public boolean local() {
        return upstream.def().local();
    }

    public String provider() {
        return upstream.provider();
    }

    /** The model name sent upstream: the target's, else what the server says it serves, else the caller's. */
    public String modelFor(String requested) {
        if (!model.isEmpty()) {
            return model;
        }
        String served = upstream.servedModel();
        return served != null ? served : requested;
    }

    /** The model the target names ("" when it names none). */
    public String model() {
        return model;
    }

    public Breaker breaker() {
        return breaker;
    }

    public AtomicInteger inFlight() {
        return inFlight;
    }

    /** Reachable as far as the background refresher and the breaker know. */
    public boolean usable(long now) {
        return upstream.reachable() && breaker.available(now);
    }

    public double ewmaTtftMillis() {
        return ewmaTtftMillis;
    }

    /** Updates the TTFT average (alpha 0.3: a few requests move it). Races lose an update at worst. */
    public void observeTtft(double millis) {
        double old = ewmaTtftMillis;
        ewmaTtftMillis = Double.isNaN(old) ? millis : old * 0.7 + millis * 0.3;
    }

    /** Ollama: the model this target would use is already in memory per {@code /api/ps} (no cold load). */
    public boolean modelLoaded() {
        Set<String> loaded = upstream.loadedModels();
        if (loaded == null) {
            return false;
        }
        String m = model.isEmpty() ? upstream.servedModel() : model;
        if (m == null) {
            return false;
        }
        String norm = m.contains(":") ? m : m + ":latest";
        return loaded.contains(m) || loaded.contains(norm);
    }

    @Override
    public String toString() {
        return id;
    }
}
