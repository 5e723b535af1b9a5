package dev.sparkd.simulator.cloud;

import java.time.Clock;

/**
 * A requests-per-minute budget in fixed one-minute windows: coarse, but it yields the numbers the providers' rate-limit
 * headers carry (limit, remaining, time to reset).
 */
final class RateLimiter {
    private final Clock clock;
    private int limit;
    private long windowStart;
    private int used;

    RateLimiter(Clock clock) {
        this.clock = clock;
    }

    synchronized void setLimit(int requestsPerMinute) {
        this.limit = Math.max(0, requestsPerMinute);
        this.used = 0;
        this.windowStart = clock.millis();
    }

    /** 0 means unlimited. */
    synchronized int limit() {
        return limit;
    }

    /** Takes one request from the budget; false when the budget for this minute is spent. */
    synchronized boolean tryAcquire() {
        roll();
        if (limit == 0) {
            return true;
        }
        if (used >= limit) {
            return false;
        }
        used++;
        return true;
    }

    synchronized int remaining() {
        roll();
        return limit == 0 ? Integer.MAX_VALUE : Math.max(0, limit - used);
    }

    synchronized long millisUntilReset() {
        roll();
        return Math.max(1, windowStart + 60_000 - clock.millis());
    }

    private void roll() {
        long now = clock.millis();
        if (now - windowStart >= 60_000) {
            windowStart = now;
            used = 0;
        }
    }
}
