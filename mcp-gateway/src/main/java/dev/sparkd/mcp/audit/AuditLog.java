package dev.sparkd.mcp.audit;

import java.time.Duration;

import org.jboss.logging.Logger;

import dev.sparkd.core.queue.WriteBehindQueue;
import dev.sparkd.daemon.persistence.UnitOfWork;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The audit log's write side: a finished call is queued (the call path never waits for the database) and written at
 * once, together with whatever else finished while the previous write was in flight. A failed write keeps its rows
 * for the next try (every few seconds); shutdown drains what is left.
 */
@Singleton
public class AuditLog {
    private static final Logger LOG = Logger.getLogger(AuditLog.class);
    static final int BATCH = 100;
    static final int MAX_QUEUED = 10_000;

    private final WriteBehindQueue<AuditEntry> queue;

    public AuditLog(AuditRepository repository) {
        this.queue = new WriteBehindQueue<>("audit", MAX_QUEUED, BATCH, 1,
                batch -> UnitOfWork.start(() -> Panache.withTransaction(() -> repository.insertAll(batch))), UnitOfWork::refused);
    }

    /** Queues the call's audit row; never waits. Dropped (and counted) when {@value #MAX_QUEUED} rows are waiting. */
    public void record(AuditEntry entry) {
        queue.offer(entry);
    }

    @Scheduled(every = "5s", delayed = "5s")
    void retry() {
        queue.flush();
    }

    void stop(@Observes @Priority(1) ShutdownEvent event) {
        if (!queue.drain(Duration.ofSeconds(10))) {
            LOG.errorf("audit: %d rows could not be written before shutdown", queue.pending());
        }
    }

    public int pending() {
        return queue.pending();
    }

    public long dropped() {
        return queue.dropped();
    }
}
