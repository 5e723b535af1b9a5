package dev.sparkd.router.target;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The short, bounded wait of a route with {@code when_full = "queue"}: at most {@code size} requests wait at once, each
 * at most {@code timeout} from when it started waiting. The waiting itself is on the services' slots
 * ({@link Upstream#await}); this only admits and bounds.
 */
public final class RouteQueue {
    private final int size;
    private final long timeoutNanos;
    private final AtomicInteger waiting = new AtomicInteger();

    public RouteQueue(int size, Duration timeout) {
        this.size = size;
        this.timeoutNanos = timeout.toNanos();
    }

    /** A place in the queue, or false when it is full. */
    public boolean enter() {
        for (int n = waiting.get(); n < size; n = waiting.get()) {
            if (waiting.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    public void leave() {
        waiting.decrementAndGet();
    }

    public int waiting() {
        return waiting.get();
    }

    public long timeoutNanos() {
        return timeoutNanos;
    }
}
