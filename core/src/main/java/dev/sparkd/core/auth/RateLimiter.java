package dev.sparkd.core.auth;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets by name (for example {@code "key:<id>"}): a bucket starts full with {@code permits} tokens and
 * refills continuously at {@code permits} per {@code per}, so a client may burst up to its limit, then is held to the
 * rate. The router's requests-per-minute and the gateway's per-key and per-tool limits are all this.
 */
public final class RateLimiter {
    /** {@code permits} per {@code per}. */
    public record Rate(int permits, Duration per) {
        public Rate {
            if (permits <= 0 || per.isZero() || per.isNegative()) {
                throw new IllegalArgumentException("a rate needs permits > 0 and a positive period");
            }
        }

        public static Rate perMinute(int permits) {
            return new Rate(permits, Duration.ofMinutes(1));
        }
    }

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    public RateLimiter() {
        this(System::nanoTime);
    }

    public RateLimiter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Takes one token from {@code bucket}; false when it is empty. */
    public boolean tryAcquire(String bucket, Rate rate) {
        long now = nanoClock.getAsLong();
        return buckets.computeIfAbsent(bucket, b -> new Bucket(rate, now)).take(rate, now);
    }

    /** Gives back a token taken from {@code bucket} when a later check refused the request. */
    public void refund(String bucket) {
        Bucket b = buckets.get(bucket);
        if (b != null) {
            b.refund();
        }
    }

    /** Forgets a bucket (a revoked key), so the map does not keep what can never be asked for again. */
    public void forget(String bucket) {
        buckets.remove(bucket);
    }

    private static final class Bucket {
        private double tokens;
        private long last;
        private double capacity;

        Bucket(Rate rate, long now) {
            this.capacity = rate.permits();
            this.tokens = capacity;
            this.last = now;
        }

        synchronized boolean take(Rate rate, long now) {
            // A limit changed by a config reload takes effect at once; the tokens held are capped to the new size.
            capacity = rate.permits();
            double perNano = rate.permits() / (double) rate.per().toNanos();
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }

        synchronized void refund() {
            tokens = Math.min(capacity, tokens + 1);
        }
    }
}
