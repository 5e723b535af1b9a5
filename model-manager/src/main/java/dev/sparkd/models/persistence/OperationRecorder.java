package dev.sparkd.models.persistence;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import dev.sparkd.core.queue.WriteBehindQueue;
import dev.sparkd.daemon.persistence.UnitOfWork;
import dev.sparkd.daemon.persistence.WriteBehindDriver;
import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.OperationView;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Records operations and their events in {@code model_manager.*} as they happen. The engine's threads only queue a
 * write; the writes go out in the order they happened (an operation's row before its events and its outcome), one
 * transaction per batch. A failed write stays queued for the next try.
 */
@ApplicationScoped
public class OperationRecorder implements Operation.OperationListener {
    static final int BATCH = 100;
    static final int MAX_QUEUED = 10_000;

    /** One thing that happened to an operation, with the time it happened. */
    sealed interface Write {
        OffsetDateTime at();
    }

    record Started(OperationView view, OffsetDateTime at) implements Write {
    }

    record Event(UUID operation, OffsetDateTime at, String message) implements Write {
    }

    record Finished(OperationView view, OffsetDateTime at) implements Write {
    }

    private final OperationRepository operations;
    private final OperationEventRepository events;
    private final WriteBehindQueue<Write> queue;

    public OperationRecorder(OperationRepository operations, OperationEventRepository events, WriteBehindDriver driver) {
        this.operations = operations;
        this.events = events;
        this.queue = driver.drive("operations", new WriteBehindQueue<>("operations", MAX_QUEUED, BATCH, 1,
                batch -> UnitOfWork.start(() -> Panache.withTransaction(() -> writeAll(batch))), UnitOfWork::refused),
                Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Override
    public void started(Operation op) {
        queue.offer(new Started(op.view(), now()));
    }

    @Override
    public void event(Operation op, Operation.Event e) {
        queue.offer(new Event(UUID.fromString(op.id()), OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC), e.message()));
    }

    @Override
    public void finished(Operation op) {
        queue.offer(new Finished(op.view(), now()));
    }

    /** In the order they happened, in the caller's transaction. */
    private Uni<Void> writeAll(List<Write> batch) {
        Uni<Void> done = Uni.createFrom().voidItem();
        for (Write w : batch) {
            done = done.chain(() -> write(w));
        }
        return done;
    }

    private Uni<Void> write(Write w) {
        if (w instanceof Started s) {
            return operations.persist(new OperationRow(s.view(), s.at())).replaceWithVoid();
        }
        if (w instanceof Event e) {
            return events.persist(new OperationEventRow(e.operation(), e.at(), e.message())).replaceWithVoid();
        }
        Finished f = (Finished) w;
        return operations.findById(UUID.fromString(f.view().id())).invoke(row -> {
            if (row != null) {
                row.finish(f.view(), f.at());
            }
        }).replaceWithVoid();
    }

    /** True when everything that happened so far is written (for tests). */
    public boolean idle() {
        return queue.idle();
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
