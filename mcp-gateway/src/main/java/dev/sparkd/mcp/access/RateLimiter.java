package dev.sparkd.mcp.access;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import dev.sparkd.mcp.config.RateLimit;

/** Token buckets by name ("key:<id>", "tool:<exposed>"): full at start, refilled continuously. */
public final class RateLimiter {
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    public RateLimiter() {
        this(System::nanoTime);
    }

    RateLimiter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Takes one token; false when the bucket is empty. */
    public boolean tryAcquire(String bucket, RateLimit limit) {
        return buckets.computeIfAbsent(bucket, b -> new Bucket(limit, nanoClock.getAsLong())).take(nanoClock.getAsLong());
    }

    /** Gives back a token taken from {@code bucket} when a later check refused the call. */
    public void refund(String bucket) {
        Bucket b = buckets.get(bucket);
        if (b != null) {
            b.refund();
        }
    }

    private static final class Bucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long last;

        Bucket(RateLimit limit, long now) {
            this.capacity = limit.permits();
            this.perNano = limit.permits() / (double) limit.per().toNanos();
            this.tokens = capacity;
            this.last = now;
        }

        synchronized boolean take(long now) {
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
