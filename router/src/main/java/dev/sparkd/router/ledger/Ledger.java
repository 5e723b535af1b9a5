package dev.sparkd.router.ledger;

import java.nio.file.Path;
import java.time.Duration;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.type.TypeFactory;

import dev.sparkd.core.queue.Codec;
import dev.sparkd.core.queue.Keyed;
import dev.sparkd.core.queue.WriteBehindQueue;
import dev.sparkd.daemon.persistence.UnitOfWork;
import dev.sparkd.daemon.persistence.WriteBehindDriver;
import jakarta.inject.Singleton;

/**
 * The usage ledger's write side: requests enqueue entries (no I/O on the request path), each with its own id; a
 * 200 ms timer, or a full batch, writes them in batches of up to {@value #BATCH}, one round trip each. Memory holds at
 * most {@value #MAX_BYTES} bytes of entries; while PostgreSQL is slow or down they wait in {@code ledger.spill} in the
 * state directory and are written, in order, once it answers again or at the next start (see
 * {@link WriteBehindQueue}); an entry PostgreSQL refuses on its own goes to {@code ledger.dead-letter}.
 */
@Singleton
public class Ledger {
    static final int BATCH = 500;
    static final long MAX_BYTES = 8L * 1024 * 1024;
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);

    private final WriteBehindQueue<Keyed<LedgerEntry>> queue;

    public Ledger(LedgerRepository repository, WriteBehindDriver driver, @ConfigProperty(name = "sparkd.state-dir") String stateDir) {
        Codec<Keyed<LedgerEntry>> codec = Codec.<Keyed<LedgerEntry>>json(
                TypeFactory.defaultInstance().constructParametricType(Keyed.class, LedgerEntry.class)).weighedBy(k -> k.entry().encodedSizeEstimate());
        this.queue = driver.drive("ledger", WriteBehindQueue.durable("ledger", Path.of(stateDir), codec, MAX_BYTES, BATCH, BATCH,
                WRITE_TIMEOUT, batch -> UnitOfWork.start(() -> repository.insertAll(batch)), UnitOfWork::refused), Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    /** Queues one entry; never waits. */
    public void record(LedgerEntry entry) {
        queue.offer(Keyed.of(entry));
    }

    /** Starts one batch write from memory unless one is running; returns at once. */
    public void flush() {
        queue.flush();
    }

    /** Writes everything queued, waiting up to {@code limit}. Blocking: for shutdown and tests, never the event loop. */
    public boolean drain(Duration limit) {
        return queue.drain(limit);
    }

    /** Entries not yet in the database (memory, in flight, spill file). */
    public long pending() {
        return queue.pending();
    }

    /** Entries waiting in the spill file. */
    public long spilled() {
        return queue.spilledPending();
    }

    public long written() {
        return queue.written();
    }

    /** Entries lost because memory was full between two spills. */
    public long dropped() {
        return queue.dropped();
    }

    /** Entries PostgreSQL refused on their own, kept in the dead-letter file. */
    public long deadLettered() {
        return queue.deadLettered();
    }
}
