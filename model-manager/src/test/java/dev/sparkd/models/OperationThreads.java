package dev.sparkd.models;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.sparkd.models.operation.Operation;
import io.vertx.core.Context;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A listener bean of the test application: notes, for every operation start and event, the thread it happened on.
 * Operations start after the swap lock was taken and events follow SSH commands, so they show where blocking work ran.
 */
@ApplicationScoped
public class OperationThreads implements Operation.OperationListener {
    /** One start or event of an operation, and where it happened. */
    public record Seen(String operationId, String what, String thread, boolean eventLoop) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    @Override
    public void started(Operation op) {
        record(op, "started");
    }

    @Override
    public void event(Operation op, Operation.Event e) {
        record(op, e.message());
    }

    private void record(Operation op, String what) {
        seen.add(new Seen(op.id(), what, Thread.currentThread().getName(), Context.isOnEventLoopThread()));
    }

    public List<Seen> of(String operationId) {
        return seen.stream().filter(s -> s.operationId().equals(operationId)).toList();
    }

    public List<Seen> all() {
        return List.copyOf(seen);
    }
}
