package dev.sparkd.router.replay;

import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import dev.sparkd.router.config.RouterSettings;
import dev.sparkd.router.metrics.RouterMetrics;
import dev.sparkd.router.target.Targets;
import jakarta.inject.Singleton;

/**
 * Answers given again instead of asked again: {@code Idempotency-Key} replays (a client retrying after a lost answer
 * gets the same one, never a second generation or a second charge) and the per-route exact-match cache. Both keep
 * whole non-streamed answers, per API key, in byte-bounded stores; neither costs anything to a request that uses
 * neither (no header, no {@code cache_ttl} on its route).
 */
@Singleton
public class Replays {
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    /** What to do with a request. */
    public enum Kind {
        /** Send it; the sink (when not null) keeps its answer. */
        PROCEED,
        /** Answer with the stored answer. */
        REPLAY,
        /** The same Idempotency-Key came with a different request: 409. */
        KEY_REUSED,
        /** The request with this Idempotency-Key has not been answered yet: 409, retry later. */
        IN_FLIGHT
    }

    /** The verdict; {@code fromCache} tells a cache hit from an idempotent replay. */
    public record Decision(Kind kind, Answer answer, Sink sink, boolean fromCache) {
        static final Decision PROCEED = new Decision(Kind.PROCEED, null, null, false);
    }

    /** Takes the answer of a request that went upstream, or hears that there was none worth keeping. */
    public interface Sink {
        void answered(int status, byte[] body, String target);

        void abandoned();
    }

    private final StoredAnswers idempotent;
    private final Map<String, StoredAnswers> caches = new HashMap<>();
    private final RouterMetrics metrics;

    public Replays(Targets targets, RouterMetrics metrics) {
        RouterSettings settings = targets.settings();
        this.metrics = metrics;
        RouterSettings.Idempotency i = settings.idempotency();
        this.idempotent = i.maxBytes() > 0 ? new StoredAnswers(i.maxBytes(), i.window().toNanos()) : null;
        settings.routes().forEach((name, route) -> {
            if (route.cache() != null) {
                caches.put(name, new StoredAnswers(route.cache().maxBytes(), route.cache().ttl().toNanos()));
            }
        });
    }

    /** Whether {@link #decide} can do anything for this request at all (cheap: no hashing). */
    public boolean applies(RouterSettings.Route route, String idempotencyKey, boolean stream, boolean localOnly) {
        return !stream && ((idempotencyKey != null && idempotent != null) || cacheable(route, localOnly));
    }

    private static boolean cacheable(RouterSettings.Route route, boolean localOnly) {
        return route.cache() != null && (!localOnly || route.cache().localOnly());
    }

    /**
     * Looks the request up: by {@code keyId} and {@code idempotencyKey} when given, else (or then) in the route's cache
     * by {@code keyId} and the exact body. Call only when {@link #applies}.
     */
    public Decision decide(RouterSettings.Route route, String endpoint, String keyId, String idempotencyKey, boolean localOnly,
            byte[] body) {
        long now = System.nanoTime();
        byte[] fingerprint = Fingerprint.of(route.name(), endpoint, body);
        Sink idempotencySink = null;
        if (idempotencyKey != null && idempotent != null) {
            String key = keyId + '\u0000' + idempotencyKey;
            StoredAnswers.Begun begun = idempotent.begin(key, fingerprint, now);
            if (!begun.created()) {
                StoredAnswers.Entry live = begun.entry();
                Answer answer = live.answer;
                Decision d = !MessageDigest.isEqual(live.fingerprint, fingerprint) ? new Decision(Kind.KEY_REUSED, null, null, false)
                        : answer == null ? new Decision(Kind.IN_FLIGHT, null, null, false)
                        : new Decision(Kind.REPLAY, answer, null, false);
                metrics.idempotency(d.kind() == Kind.REPLAY ? "replayed" : d.kind().name().toLowerCase(Locale.ROOT));
                return d;
            }
            idempotencySink = sink(idempotent, key, begun.entry());
        }
        Sink cacheSink = null;
        if (cacheable(route, localOnly)) {
            StoredAnswers cache = caches.get(route.name());
            String key = keyId + '\u0000' + Fingerprint.hex(fingerprint);
            StoredAnswers.Begun begun = cache.begin(key, fingerprint, now);
            Answer answer = begun.entry().answer;
            if (answer != null) {
                metrics.cache(route.name(), true);
                if (idempotencySink != null) {
                    idempotencySink.answered(answer.status(), answer.body(), answer.target());
                }
                return new Decision(Kind.REPLAY, answer, null, true);
            }
            metrics.cache(route.name(), false);
            // the first of identical requests in flight fills the entry; the others go upstream too, unkept
            if (begun.created()) {
                cacheSink = sink(cache, key, begun.entry());
            }
        }
        return new Decision(Kind.PROCEED, null, both(idempotencySink, cacheSink), false);
    }

    /** Keeps 200 answers only: an error is not worth replaying, and a retry should run anew. */
    private static Sink sink(StoredAnswers store, String key, StoredAnswers.Entry entry) {
        return new Sink() {
            @Override
            public void answered(int status, byte[] body, String target) {
                if (status == 200) {
                    store.complete(key, entry, new Answer(status, body, target));
                } else {
                    store.abandon(key, entry);
                }
            }

            @Override
            public void abandoned() {
                store.abandon(key, entry);
            }
        };
    }

    private static Sink both(Sink a, Sink b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return new Sink() {
            @Override
            public void answered(int status, byte[] body, String target) {
                a.answered(status, body, target);
                b.answered(status, body, target);
            }

            @Override
            public void abandoned() {
                a.abandoned();
                b.abandoned();
            }
        };
    }

    /** Bytes held by the idempotency store and every route cache (for the metrics gauge). */
    public long bytes() {
        long n = idempotent == null ? 0 : idempotent.bytes();
        for (StoredAnswers c : caches.values()) {
            n += c.bytes();
        }
        return n;
    }
}
