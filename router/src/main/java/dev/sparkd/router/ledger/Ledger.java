package dev.sparkd.router.ledger;

import java.time.Duration;

import dev.sparkd.core.queue.WriteBehindQueue;
import dev.sparkd.daemon.persistence.UnitOfWork;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The usage ledger's write side: requests enqueue entries (no I/O on the request path); a 200 ms timer, or a full
 * batch, writes them in batches of up to {@value #BATCH}, one transaction and one round trip each. A failed write keeps the entries for
 * the next round. Shutdown drains the queue before the database goes away.
 */
@Singleton
public class Ledger {
    static final int BATCH = 500;
    static final int MAX_QUEUED = 200_000;

    private final WriteBehindQueue<LedgerEntry> queue;
    private final Vertx vertx;
    private long timer = -1;

    public Ledger(LedgerRepository repository, Vertx vertx) {
        this.vertx = vertx;
        this.queue = new WriteBehindQueue<>("ledger", MAX_QUEUED, BATCH, BATCH,
                batch -> UnitOfWork.start(() -> repository.insertAll(batch)), UnitOfWork::refused);
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(200, id -> flush());
    }

    /** Queues one entry; never waits. Dropped (and counted) when {@value #MAX_QUEUED} entries are waiting. */
    public void record(LedgerEntry entry) {
        queue.offer(entry);
    }

    /** Starts one batch write unless one is running; returns at once. */
    public void flush() {
        queue.flush();
    }

    /** Writes everything queued, waiting up to {@code limit}. Blocking: for shutdown and tests, never the event loop. */
    public boolean drain(Duration limit) {
        return queue.drain(limit);
    }

    void stop(@Observes @Priority(1) ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (!drain(Duration.ofSeconds(10))) {
            Log.errorf("ledger: %d entries could not be written before shutdown", queue.pending());
        }
    }

    public int pending() {
        return queue.pending();
    }

    public long written() {
        return queue.written();
    }

    public long dropped() {
        return queue.dropped();
    }
}
