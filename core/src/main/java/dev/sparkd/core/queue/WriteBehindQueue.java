package dev.sparkd.core.queue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;

import org.jboss.logging.Logger;

/**
 * Write-behind: callers hand entries over without waiting for I/O, and batches of them go to a {@code flush} function
 * in the order they were offered, one batch in flight at a time. A batch whose flush fails goes back to the head of
 * the queue and is tried again at the next {@link #flush()}, unless the failure says the entries themselves were
 * refused (bad data, a constraint): then the batch is written again one entry at a time, and an entry refused on its
 * own is dropped and counted as rejected, so one bad entry never blocks the rest. The queue is bounded: an entry
 * offered while {@code capacity} entries are pending (queued or in flight) is refused and counted as dropped.
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
    private final Predicate<Throwable> refused;

    // guarded by this
    private final ArrayDeque<T> entries = new ArrayDeque<>();
    private int inFlight;
    /** Entries at the head still to be written one at a time, after their batch was refused. */
    private int single;
    private long written;
    private long dropped;
    private long rejected;
    private long failures;

    /**
     * @param name      what the entries are, for log lines ("ledger", "audit")
     * @param capacity  most entries pending at once; more are dropped
     * @param batchSize most entries handed to one {@code writer} call
     * @param flushAt   an offer that brings the queue to this many entries starts a flush at once (1: write as soon as
     *                  possible, batching only what arrives while a write is in flight)
     * @param writer    writes one batch; completes when the batch is durable, fails to keep it queued
     * @param refused   whether a failure means the entries were refused (retrying them as they are cannot help)
     */
    public WriteBehindQueue(String name, int capacity, int batchSize, int flushAt,
            Function<List<T>, ? extends CompletionStage<?>> writer, Predicate<Throwable> refused) {
        if (capacity < 1 || batchSize < 1 || flushAt < 1 || flushAt > capacity) {
            throw new IllegalArgumentException("need capacity, batchSize, flushAt >= 1 and flushAt <= capacity");
        }
        this.name = name;
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.flushAt = flushAt;
        this.writer = writer;
        this.refused = refused;
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
            int size = single > 0 ? 1 : batchSize;
            batch = new ArrayList<>(Math.min(size, entries.size()));
            while (batch.size() < size && !entries.isEmpty()) {
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
        boolean refusedEntry = false;
        boolean refusedBatch = false;
        synchronized (this) {
            inFlight = 0;
            if (failure == null) {
                written += batch.size();
                single = Math.max(0, single - batch.size());
                more = single > 0 ? !entries.isEmpty() : entries.size() >= flushAt;
            } else if (refused.test(failure)) {
                refusedEntry = batch.size() == 1;
                refusedBatch = !refusedEntry;
                if (refusedEntry) {
                    rejected++;
                    single = Math.max(0, single - 1);
                } else {
                    putBack(batch);
                    single = batch.size();
                }
                more = !entries.isEmpty();
            } else {
                failures++;
                putBack(batch);
                more = false;
            }
        }
        if (refusedEntry) {
            LOG.errorf("%s: dropped an entry the database refused (%s)", name, failure.getMessage());
        } else if (refusedBatch) {
            LOG.warnf("%s: the database refused a batch of %d (%s); writing them one by one", name, batch.size(), failure.getMessage());
        } else if (failure != null) {
            LOG.warnf("%s: writing %d entries failed (%s); they stay queued", name, batch.size(), failure.getMessage());
        }
        if (more) {
            flush();
        }
    }

    private void putBack(List<T> batch) {
        for (int i = batch.size() - 1; i >= 0; i--) {
            entries.addFirst(batch.get(i));
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

    /** Entries dropped because the database refused them on their own. */
    public synchronized long rejected() {
        return rejected;
    }

    /** Failed writes that kept their batch queued. */
    public synchronized long failures() {
        return failures;
    }
}
