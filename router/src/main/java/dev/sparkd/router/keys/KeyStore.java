package dev.sparkd.router.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.sparkd.daemon.persistence.UnitOfWork;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Authenticates {@code Authorization: Bearer} keys from memory (loaded from the database at start and after every
 * change). A key reads {@code sk-sparkd-<id>-<secret>}: the id finds the row, the SHA-256 of the whole key is
 * compared in constant time. Also keeps each key's requests-per-minute window.
 */
@Singleton
public class KeyStore {
    static final String PREFIX = "sk-sparkd-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] DUMMY = new byte[32];

    private final KeyRepository repository;
    private volatile Map<String, ApiKey> byId = Map.of();
    private final Map<String, long[]> windows = new ConcurrentHashMap<>();
    private final AtomicLong loads = new AtomicLong();

    public KeyStore(KeyRepository repository) {
        this.repository = repository;
    }

    void start(@Observes StartupEvent event) {
        UnitOfWork.await(() -> reload().ifNoItem().after(Duration.ofSeconds(30)).fail());
    }

    public Uni<Void> reload() {
        return repository.all().invoke(keys -> {
            Map<String, ApiKey> m = new ConcurrentHashMap<>();
            keys.stream().filter(k -> k.revokedAt() == null).forEach(k -> m.put(k.id(), k));
            byId = m;
            loads.incrementAndGet();
        }).replaceWithVoid();
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
        ApiKey k = byId.get(id);
        byte[] hash = sha256(presented);
        byte[] expected = k == null ? DUMMY : HexFormat.of().parseHex(k.sha256());
        boolean same = MessageDigest.isEqual(hash, expected);
        return k != null && same ? k : null;
    }

    /** Counts a request against the key's rpm limit (fixed one-minute windows); false when over it. */
    public boolean admit(ApiKey key, long nowMillis) {
        if (key.rpm() <= 0) {
            return true;
        }
        long minute = nowMillis / 60_000;
        long[] w = windows.computeIfAbsent(key.id(), id -> new long[2]);
        synchronized (w) {
            if (w[0] != minute) {
                w[0] = minute;
                w[1] = 0;
            }
            if (w[1] >= key.rpm()) {
                return false;
            }
            w[1]++;
            return true;
        }
    }

    /** Creates a key; the returned pair holds the only copy of the secret. */
    @WithTransaction
    public Uni<Created> create(String name, Set<String> routes, int rpm, double dailyUsd, double monthlyUsd, boolean localOnly) {
        byte[] idBytes = new byte[4];
        RANDOM.nextBytes(idBytes);
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        String id = HexFormat.of().formatHex(idBytes);
        String key = PREFIX + id + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        ApiKey record = new ApiKey(id, name, HexFormat.of().formatHex(sha256(key)), Set.copyOf(routes), rpm, dailyUsd, monthlyUsd,
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

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new key and its secret. */
    public record Created(ApiKey key, String secret) {
    }
}
