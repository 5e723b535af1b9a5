package dev.sparkd.router.keys;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.sparkd.core.auth.RateLimiter;
import dev.sparkd.core.auth.SecretHash;
import dev.sparkd.daemon.persistence.UnitOfWork;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Authenticates {@code Authorization: Bearer} keys from memory (loaded from the database at start and after every
 * change). A key reads {@code sk-sparkd-<id>-<secret>}: the id finds the row, the SHA-256 of the whole key is
 * compared in constant time ({@link SecretHash}). Also holds each key's rpm limit as a token bucket ({@link RateLimiter}):
 * a key may burst up to its rpm, then is held to the rate.
 */
@Singleton
public class KeyStore {
    static final String PREFIX = "sk-sparkd-";

    /** An active key with what checking it needs, computed once per load. */
    private record Known(ApiKey key, byte[] sha256, String bucket, RateLimiter.Rate rate) {
        static Known of(ApiKey k) {
            return new Known(k, HexFormat.of().parseHex(k.sha256()), "key:" + k.id(), k.rpm() > 0 ? RateLimiter.Rate.perMinute(k.rpm()) : null);
        }
    }

    static final Duration RETRY = Duration.ofSeconds(5);

    private final KeyRepository repository;
    private final Vertx vertx;
    private final KeyCache cache;
    private final RateLimiter limiter = new RateLimiter();
    private volatile Map<String, Known> byId = Map.of();
    private volatile boolean fromDatabase;
    private final AtomicLong loads = new AtomicLong();

    public KeyStore(KeyRepository repository, Vertx vertx, @ConfigProperty(name = "sparkd.state-dir") String stateDir) {
        this.repository = repository;
        this.vertx = vertx;
        this.cache = new KeyCache(Path.of(stateDir));
    }

    void start(@Observes StartupEvent event) {
        startWith(() -> UnitOfWork.await(() -> reload().ifNoItem().after(Duration.ofSeconds(10)).fail()));
    }

    /**
     * Loads the keys with {@code load}; when the database cannot be read, starts from the cache of the last load and
     * tries the database again every {@link #RETRY} until it answers.
     */
    void startWith(Runnable load) {
        try {
            load.run();
        } catch (RuntimeException e) {
            List<ApiKey> cached = cache.read();
            use(cached);
            Log.warnf("api keys: cannot read them from the database (%s); using the %d from %s until it answers", e.getMessage(),
                    cached.size(), cache.path());
            retryLater();
        }
    }

    private void retryLater() {
        vertx.setTimer(RETRY.toMillis(), id -> UnitOfWork.start(this::reload).whenComplete((ok, failure) -> {
            if (failure != null) {
                retryLater();
            } else {
                Log.infof("api keys: loaded from the database again (%d active)", byId.size());
            }
        }));
    }

    public Uni<Void> reload() {
        return repository.all().invoke(keys -> {
            long load = use(keys);
            fromDatabase = true;
            // a small file, written off the event loop; a later load is never overwritten by an earlier one
            vertx.executeBlocking(() -> {
                cache.write(load, keys);
                return null;
            }, false);
        }).replaceWithVoid();
    }

    private long use(List<ApiKey> keys) {
        Map<String, Known> m = new HashMap<>();
        keys.stream().filter(k -> k.revokedAt() == null).forEach(k -> m.put(k.id(), Known.of(k)));
        byId.values().stream().filter(k -> !m.containsKey(k.key().id())).forEach(k -> limiter.forget(k.bucket()));
        byId = Map.copyOf(m);
        return loads.incrementAndGet();
    }

    /** Whether the keys in use came from the database (false while only the cache was available). */
    public boolean fromDatabase() {
        return fromDatabase;
    }

    public static boolean looksLikeKey(String presented) {
        return presented.startsWith(PREFIX);
    }

    /** The key's record, or null when the bearer value is not a valid, unrevoked key. */
    public ApiKey authenticate(String presented) {
        if (presented == null || !presented.startsWith(PREFIX)) {
            return null;
        }
        int dash = presented.indexOf('-', PREFIX.length());
        String id = dash < 0 ? "" : presented.substring(PREFIX.length(), dash);
        Known k = byId.get(id);
        return SecretHash.matches(presented, k == null ? null : k.sha256()) ? k.key() : null;
    }

    /** Takes a request from the key's bucket (rpm per minute, bursts up to rpm); false when it is empty. */
    public boolean admit(ApiKey key) {
        Known k = key.rpm() > 0 ? byId.get(key.id()) : null;
        return k == null || k.rate() == null || limiter.tryAcquire(k.bucket(), k.rate());
    }

    /** Creates a key; the returned pair holds the only copy of the secret. */
    @WithTransaction
    public Uni<Created> create(String name, Set<String> routes, int rpm, double dailyUsd, double monthlyUsd, boolean localOnly) {
        String id = SecretHash.randomHex(4);
        String key = SecretHash.generate(PREFIX + id + "-", 24);
        ApiKey record = new ApiKey(id, name, SecretHash.sha256Hex(key), Set.copyOf(routes), rpm, dailyUsd, monthlyUsd,
                localOnly, Instant.now(), null);
        return repository.insert(record).chain(this::reload).invoke(() -> Log.infof("api key %s (%s) created", id, name))
                .map(v -> new Created(record, key));
    }

    @WithTransaction
    public Uni<Boolean> revoke(String id) {
        return repository.revoke(id).call(this::reload).invoke(ok -> {
            if (ok) {
                Log.infof("api key %s revoked", id);
            }
        });
    }

    public Uni<List<ApiKey>> list() {
        return repository.all();
    }

    /** Whether no key exists yet. */
    public boolean empty() {
        return byId.isEmpty();
    }

    /** A new key and its secret. */
    public record Created(ApiKey key, String secret) {
    }
}
