package dev.sparkd.daemon.persistence;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.quarkus.vertx.core.runtime.VertxCoreRecorder;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.DatabaseException;

/**
 * Runs a Hibernate Reactive unit of work (a {@code @WithTransaction} service call) for a caller that has no Vert.x
 * context Hibernate accepts: a timer, a probe callback, a write-behind queue, a worker thread. Each unit runs on a
 * duplicated context of its own, marked safe, never on the caller's: Panache keeps the session (and its transaction)
 * in the context, so two units on one context share them. A worker thread carries the context of the request that
 * started its task, and in model-manager a swap's saved choice joined the transaction of the operation events being
 * written on that context and was lost (the next reconcile would have swapped back).
 */
public final class UnitOfWork {
    private UnitOfWork() {
    }

    /**
     * Starts {@code work} without waiting, on a context of its own ({@link #ownContext()}); the stage completes with
     * its item (null when it has none). Safe from any thread, an event loop included: nothing here blocks.
     */
    public static <T> CompletionStage<T> start(Supplier<Uni<T>> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        ownContext().runOnContext(ignored -> {
            try {
                work.get().subscribe().with(done::complete, done::completeExceptionally);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /**
     * Whether PostgreSQL refused the data itself (SQLSTATE class 22, data exception, or 23, integrity constraint), so
     * that writing the same rows again cannot succeed; anything else (no connection, a timeout) may pass on a retry.
     */
    public static boolean refused(Throwable failure) {
        // the reactive client's own exception, or Hibernate's (a JDBCException over an SQLException carrying the state)
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String state = t instanceof DatabaseException db ? db.getSqlState() : t instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code work} and waits for its item. Blocking: worker threads only (it refuses an event-loop thread). */
    public static <T> T await(Supplier<Uni<T>> work) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("UnitOfWork.await blocks; call it from a worker thread, not an event loop");
        }
        return Uni.createFrom().completionStage(() -> start(work)).await().indefinitely();
    }

    /** A new duplicated context (of the caller's root context when it has one), marked safe for Hibernate Reactive. */
    static Context ownContext() {
        Context current = Vertx.currentContext();
        Context root = current != null ? current : VertxCoreRecorder.getVertx().get().getOrCreateContext();
        Context own = VertxContext.createNewDuplicatedContext(root);
        VertxContextSafetyToggle.setContextSafe(own, true);
        return own;
    }
}
