package dev.sparkd.daemon.persistence;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import dev.sparkd.core.queue.Codec;
import dev.sparkd.core.queue.Keyed;
import dev.sparkd.core.queue.WriteBehindQueue;
import io.smallrye.mutiny.Uni;

/**
 * A table its callers write behind (the router's ledger, the gateway's audit log): an entry is queued with its own id,
 * so the caller never waits for the database, and written in batches by {@link WriteBehindDriver}'s timer. Memory
 * holds a bounded number of bytes; while PostgreSQL is slow or down entries wait in {@code <name>.spill} in the state
 * directory and are written, in order, once it answers again or at the next start; an entry PostgreSQL refuses on its
 * own goes to {@code <name>.dead-letter} (see {@link WriteBehindQueue}).
 */
public abstract class WriteBehindLog<E> {
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DRAIN_AT_SHUTDOWN = Duration.ofSeconds(10);

    private final WriteBehindQueue<Keyed<E>> queue;

    /**
     * @param name the log's name: its spill and dead-letter files, its log lines
     * @param maxBytes entries held in memory, by their codec's weight
     * @param batch entries in one write (one round trip)
     * @param writeAt entries queued that start a write before the timer does
     * @param every how often the timer writes what is queued
     * @param insertAll one batch in one transaction
     */
    protected WriteBehindLog(String name, Codec<Keyed<E>> codec, long maxBytes, int batch, int writeAt, Duration every,
                             Function<List<Keyed<E>>, Uni<Void>> insertAll, WriteBehindDriver driver, String stateDir) {
        this.queue = driver.drive(name, WriteBehindQueue.durable(name, Path.of(stateDir), codec, maxBytes, batch, writeAt,
                WRITE_TIMEOUT, entries -> UnitOfWork.start(() -> insertAll.apply(entries)), UnitOfWork::refused), every, DRAIN_AT_SHUTDOWN);
    }

    /** Queues one entry; never waits. */
    public void record(E entry) {
        queue.offer(Keyed.of(entry));
    }

    /** Writes everything queued, waiting up to {@code limit}. Blocking: for shutdown and tests, never the event loop. */
    public boolean drain(Duration limit) {
        return queue.drain(limit);
    }

    /** The queue's figures: pending, in the spill file, written, dropped, dead-lettered. */
    public WriteBehindQueue.Counts counts() {
        return queue.counts();
    }
}
