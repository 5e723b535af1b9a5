package dev.sparkd.mcp.audit;

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
 * The audit log's write side: a finished call is queued with its own id (the call path never waits for the database)
 * and written at once, together with whatever else finished while the previous write was in flight. Memory holds at
 * most {@value #MAX_BYTES} bytes of rows; while PostgreSQL is slow or down they wait in {@code audit.spill} in the
 * state directory and are written, in order, once it answers again or at the next start; a row PostgreSQL refuses on
 * its own goes to {@code audit.dead-letter} (see {@link WriteBehindQueue}).
 */
@Singleton
public class AuditLog {
    static final int BATCH = 100;
    static final long MAX_BYTES = 4L * 1024 * 1024;
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);

    private final WriteBehindQueue<Keyed<AuditEntry>> queue;

    public AuditLog(AuditRepository repository, WriteBehindDriver driver, @ConfigProperty(name = "sparkd.state-dir") String stateDir) {
        Codec<Keyed<AuditEntry>> codec = Codec.json(TypeFactory.defaultInstance().constructParametricType(Keyed.class, AuditEntry.class));
        this.queue = driver.drive("audit", WriteBehindQueue.durable("audit", Path.of(stateDir), codec, MAX_BYTES, BATCH, 1,
                WRITE_TIMEOUT, batch -> UnitOfWork.start(() -> repository.insertAll(batch)), UnitOfWork::refused), Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    /** Queues the call's audit row; never waits. */
    public void record(AuditEntry entry) {
        queue.offer(Keyed.of(entry));
    }

    /** Writes everything queued, waiting up to {@code limit}. Blocking: for tests, never the event loop. */
    public boolean drain(Duration limit) {
        return queue.drain(limit);
    }

    /** Rows not yet in the database (memory, in flight, spill file). */
    public long pending() {
        return queue.pending();
    }

    /** Rows lost because memory was full between two spills. */
    public long dropped() {
        return queue.dropped();
    }

    /** Rows PostgreSQL refused on their own, kept in the dead-letter file. */
    public long deadLettered() {
        return queue.deadLettered();
    }
}
