package dev.sparkd.router.ledger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The usage ledger's write side: requests enqueue entries (no I/O on the request path); a timer writes them in
 * batches. A failed write keeps the entries for the next round. Shutdown drains the queue before the pool closes.
 */
@Singleton
public class Ledger {
    static final int BATCH = 500;
    static final int MAX_QUEUED = 200_000;

    private final ConcurrentLinkedQueue<LedgerEntry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final LedgerRepository repository;
    private final Vertx vertx;
    private long timer = -1;

    public Ledger(LedgerRepository repository, Vertx vertx) {
        this.repository = repository;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(200, id -> flush());
    }

    public void record(LedgerEntry entry) {
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.add(entry);
        if (queued.get() >= BATCH) {
            flush();
        }
    }

    /** Starts one batch write unless one is running; returns at once. */
    public void flush() {
        if (queue.isEmpty() || !writing.compareAndSet(false, true)) {
            return;
        }
        List<LedgerEntry> batch = new ArrayList<>(Math.min(BATCH, queued.get()));
        LedgerEntry e;
        while (batch.size() < BATCH && (e = queue.poll()) != null) {
            batch.add(e);
        }
        queued.addAndGet(-batch.size());
        repository.insertAll(batch).subscribe().with(ok -> {
            written.addAndGet(batch.size());
            writing.set(false);
            if (queued.get() >= BATCH) {
                flush();
            }
        }, failure -> {
            Log.warnf("ledger: writing %d entries failed (%s); retrying", batch.size(), failure.getMessage());
            queue.addAll(batch);
            queued.addAndGet(batch.size());
            writing.set(false);
        });
    }

    /** Writes everything queued, waiting up to {@code limit}. Blocking: for shutdown and tests, never the event loop. */
    public boolean drain(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (queue.isEmpty() && !writing.get()) {
                return true;
            }
            flush();
            try {
                Thread.sleep(10);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return queue.isEmpty() && !writing.get();
    }

    void stop(@Observes @Priority(1) ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (!drain(Duration.ofSeconds(10))) {
            Log.errorf("ledger: %d entries could not be written before shutdown", queued.get());
        }
    }

    public int pending() {
        return queued.get();
    }

    public long written() {
        return written.get();
    }

    public long dropped() {
        return dropped.get();
    }
}
