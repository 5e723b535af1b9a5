package dev.sparkd.simulator.ollama;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ollama's scheduler as {@code /api/ps} shows it: which models are in memory and until when. A model loads on first
 * use (taking its load delay, reported as {@code load_duration}), each use pushes its expiry to now + keep_alive,
 * and it unloads when that passes, or at once for keep_alive 0.
 */
public final class LoadedModels {
    /** One model in memory. */
    public record Loaded(LocalModel model, Instant expiresAt, int contextLength, long size) {
    }

    private final Vertx vertx;
    private final Map<String, Loaded> loaded = new HashMap<>();
    private final Map<String, Long> expiryTimers = new HashMap<>();
    private final Map<String, Future<Void>> loading = new HashMap<>();
    private final Map<String, Loaded> loadingNow = new HashMap<>();

    public LoadedModels(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Loads {@code model} if needed; completes with the time loading took (zero when it was already loaded). */
    public Future<Duration> ensureLoaded(LocalModel model, int contextLength) {
        String name = model.name();
        synchronized (this) {
            if (loaded.containsKey(name)) {
                return Future.succeededFuture(Duration.ZERO);
            }
            Future<Void> inProgress = loading.get(name);
            if (inProgress != null) {
                Duration d = model.spec().loadDelay();
                return inProgress.map(v -> d);
            }
        }
        Promise<Void> done = Promise.promise();
        // on unified memory (GB10) everything counts as VRAM; the KV cache adds to the file size
        long size = model.manifest().size() + (long) contextLength * 128 * 1024 / 8;
        synchronized (this) {
            loading.put(name, done.future());
            loadingNow.put(name, new Loaded(model, Instant.now().plus(Duration.ofMinutes(5)), contextLength, size));
        }
        Duration delay = model.spec().loadDelay();
        Runnable finish = () -> {
            synchronized (this) {
                loading.remove(name);
                loadingNow.remove(name);
                loaded.put(name, new Loaded(model, Instant.now().plus(Duration.ofMinutes(5)), contextLength, size));
            }
            done.complete();
        };
        if (delay.toMillis() <= 0) {
            finish.run();
        } else {
            vertx.setTimer(delay.toMillis(), id -> finish.run());
        }
        return done.future().map(v -> delay);
    }

    /** Sets the expiry after a request; zero unloads now. */
    public synchronized void touch(String name, Duration keepAlive) {
        Loaded l = loaded.get(name);
        if (l == null) {
            return;
        }
        Long old = expiryTimers.remove(name);
        if (old != null) {
            vertx.cancelTimer(old);
        }
        if (keepAlive.isZero() || keepAlive.isNegative()) {
            loaded.remove(name);
            return;
        }
        loaded.put(name, new Loaded(l.model(), Instant.now().plus(keepAlive), l.contextLength(), l.size()));
        if (keepAlive.compareTo(KeepAlive.FOREVER) < 0) {
            expiryTimers.put(name, vertx.setTimer(Math.max(1, keepAlive.toMillis()), id -> expire(name)));
        }
    }

    public synchronized void unload(String name) {
        Long timer = expiryTimers.remove(name);
        if (timer != null) {
            vertx.cancelTimer(timer);
        }
        loaded.remove(name);
    }

    /** Whether {@code name} is being loaded right now. */
    public synchronized boolean isLoading(String name) {
        return loading.containsKey(name);
    }

    public synchronized boolean isLoaded(String name) {
        return loaded.containsKey(name);
    }

    /** Loaded models, the longest remaining keep-alive first (routes.go PsHandler sorts so). */
    public synchronized List<Loaded> all() {
        List<Loaded> out = new ArrayList<>(loaded.values());
        out.sort(Comparator.comparing(Loaded::expiresAt).reversed());
        return out;
    }

    /** Loaded models and those still loading (listed at once with an estimated expiry, as Ollama before 0.32.10 did). */
    public synchronized List<Loaded> allWithLoading() {
        List<Loaded> out = new ArrayList<>(loaded.values());
        loadingNow.forEach((name, l) -> {
            if (!loaded.containsKey(name)) {
                out.add(l);
            }
        });
        out.sort(Comparator.comparing(Loaded::expiresAt).reversed());
        return out;
    }

    /** Completes when every load in progress now has finished (at once when none is). */
    public Future<Void> loadsInProgress() {
        List<Future<Void>> now;
        synchronized (this) {
            now = List.copyOf(loading.values());
        }
        return now.isEmpty() ? Future.succeededFuture() : Future.join(now).mapEmpty();
    }

    /** Bytes the loaded (and loading) models hold. */
    public synchronized long residentBytes() {
        return loaded.values().stream().mapToLong(Loaded::size).sum() + loadingNow.values().stream().mapToLong(Loaded::size).sum();
    }

    public synchronized void clear() {
        expiryTimers.values().forEach(vertx::cancelTimer);
        expiryTimers.clear();
        loaded.clear();
    }

    private synchronized void expire(String name) {
        expiryTimers.remove(name);
        loaded.remove(name);
    }
}
