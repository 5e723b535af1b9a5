package dev.sparkd.daemon.persistence;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.sqlclient.DatabaseException;

/**
 * Runs a Hibernate Reactive unit of work (a {@code @WithTransaction} service call) for a caller that has no Vert.x
 * context Hibernate accepts: a timer, a probe callback, a write-behind queue, a worker thread. Both ways go through
 * Quarkus' supported {@link VertxContextSupport}, which subscribes on a duplicated context marked safe.
 */
public final class UnitOfWork {
    private UnitOfWork() {
    }

    /**
     * Starts {@code work} without waiting; the stage completes with its item (null when it has none). From an event
     * loop (which {@link VertxContextSupport} refuses) the subscription is handed to a worker first; the work itself
     * then runs on a new safe duplicated context, never blocking the worker.
     */
    public static <T> CompletionStage<T> start(Supplier<Uni<T>> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        Runnable subscribe = () -> {
            try {
                VertxContextSupport.subscribe(() -> work.get().toMulti(),
                        s -> s.with(done::complete, done::completeExceptionally, () -> done.complete(null)));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        };
        if (Context.isOnEventLoopThread()) {
            Infrastructure.getDefaultWorkerPool().execute(subscribe);
        } else {
            subscribe.run();
        }
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
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
