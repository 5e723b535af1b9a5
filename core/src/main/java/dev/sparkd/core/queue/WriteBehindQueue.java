package dev.sparkd.core.queue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.jboss.logging.Logger;

/**
 * Write-behind: callers hand entries over without waiting for I/O, and batches of them go to a {@code flush} function
 * in the order they were offered, one batch in flight at a time. A batch whose flush fails goes back to the head of
 * the queue and is tried again at the next {@link #flush()}. The queue is bounded: an entry offered while
 * {@code capacity} entries are pending (queued or in flight) is refused and counted as dropped.
 * <p>
 * {@link #flush()} is the one place a batch is taken off the queue, so a later overflow store (bytes, a spill file)
 * has one place to hook in. Nothing here schedules: the owner calls {@link #flush()} on its own timer.
 */
public final class WriteBehindQueue<T> {
    private static final Logger LOG = Logger.getLogger(WriteBehindQueue.class);

    private final String name;
    private final int capacity;
    private final int batchSize;
    private final int flushAt;
    private final Function<List<T>, ? extends CompletionStage<?>> writer;

    // guarded by this
    private final ArrayDeque<T> entries = new ArrayDeque<>();
    private int inFlight;
    private long written;
    private long dropped;
    private long failures;

    /**
     * @param name      what the entries are, for log lines ("ledger", "audit")
     * @param capacity  most entries pending at once; more are dropped
     * @param batchSize most entries handed to one {@code writer} call
     * @param flushAt   an offer that brings the queue to this many entries starts a flush at once (1: write as soon as
     *                  possible, batching only what arrives while a write is in flight)
     * @param writer    writes one batch; completes when the batch is durable, fails to keep it queued
     */
    public WriteBehindQueue(String name, int capacity, int batchSize, int flushAt,
            Function<List<T>, ? extends CompletionStage<?>> writer) {
        if (capacity < 1 || batchSize < 1 || flushAt < 1 || flushAt > capacity) {
            throw new IllegalArgumentException("need capacity, batchSize, flushAt >= 1 and flushAt <= capacity");
        }
        this.name = name;
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.flushAt = flushAt;
        this.writer = writer;
    }

    /** Queues {@code entry}; false (and counted as dropped) when the queue is full. Never waits for I/O. */
    public boolean offer(T entry) {
        boolean start;
        synchronized (this) {
            if (entries.size() + inFlight >= capacity) {
                dropped++;
                return false;
            }
            entries.addLast(entry);
            start = inFlight == 0 && entries.size() >= flushAt;
        }
        if (start) {
            flush();
        }
        return true;
    }

    /** Starts writing the oldest batch unless a write is in flight or nothing is queued; returns at once. */
    public void flush() {
        List<T> batch;
        synchronized (this) {
            if (inFlight > 0 || entries.isEmpty()) {
                return;
            }
            batch = new ArrayList<>(Math.min(batchSize, entries.size()));
            while (batch.size() < batchSize && !entries.isEmpty()) {
                batch.add(entries.pollFirst());
            }
            inFlight = batch.size();
        }
        CompletionStage<?> write;
        try {
            write = writer.apply(batch);
        } catch (RuntimeException e) {
            write = CompletableFuture.failedFuture(e);
        }
        write.whenComplete((ok, failure) -> settle(batch, failure));
    }

    private void settle(List<T> batch, Throwable failure) {
        boolean more;
        synchronized (this) {
            inFlight = 0;
            if (failure == null) {
                written += batch.size();
                more = entries.size() >= flushAt;
            } else {
                failures++;
                for (int i = batch.size() - 1; i >= 0; i--) {
                    entries.addFirst(batch.get(i));
                }
                more = false;
            }
        }
        if (failure != null) {
            LOG.warnf("%s: writing %d entries failed (%s); they stay queued", name, batch.size(), failure.getMessage());
        } else if (more) {
            flush();
        }
    }

    /**
     * Writes everything pending, waiting up to {@code limit}; true when nothing is left. Blocking: for shutdown and
     * tests, never on an event loop.
     */
    public boolean drain(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!idle()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            flush();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** True when every entry offered so far is written (or dropped). */
    public synchronized boolean idle() {
        return entries.isEmpty() && inFlight == 0;
    }

    /** Entries not yet written: queued plus in flight. */
    public synchronized int pending() {
        return entries.size() + inFlight;
    }

    public synchronized long written() {
        return written;
    }

    /** Entries refused because the queue was full. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Failed writes (each kept its batch queued). */
    public synchronized long failures() {
        return failures;
    }
}
