package dev.sparkd.daemon.boot;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;

/**
 * Before Quarkus boots: waits (with a deadline) until the database answers, then makes sure the daemon's schema was
 * migrated by {@code sparkd migrate}. Migrations never run inside a daemon, and Hibernate Reactive generates no
 * schema, so without this a daemon would start and fail on its first query instead of at once with the fix.
 * Uses the reactive client the daemon uses anyway, on a throw-away Vert.x instance; blocking is fine on main.
 */
final class MigratedSchema {

    /** Server still starting (crash recovery) or shutting down: worth another try. */
    private static final String CANNOT_CONNECT_NOW = "57P03";
    private static final String UNDEFINED_TABLE = "42P01";

    private MigratedSchema() {
    }

    /** Thrown with a message for the operator: what is wrong and which command fixes it. */
    static final class NotReady extends RuntimeException {
        NotReady(String message) {
            super(message);
        }
    }

    /**
     * Returns when {@code schema} holds a successful migration history and no failed one; otherwise throws
     * {@link NotReady} naming {@code fix}.
     */
    static void require(String reactiveUrl, String user, String password, String schema, String fix, Duration timeout) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        try {
            PgConnectOptions options = PgConnectOptions.fromUri(reactiveUrl).setUser(user).setPassword(password)
                    .setConnectTimeout(5_000);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                try {
                    check(vertx, options, schema, fix);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    boolean transientFailure = cause instanceof ConnectException || cause instanceof TimeoutException
                            || cause instanceof PgException pg && CANNOT_CONNECT_NOW.equals(pg.getSqlState());
                    if (!transientFailure) {
                        throw new NotReady("the database " + reactiveUrl + " refused " + user + ": " + cause.getMessage()
                                + " — " + fix);
                    }
                    if (System.nanoTime() > deadline) {
                        throw new NotReady("no PostgreSQL answered on " + reactiveUrl + " within " + timeout.toSeconds()
                                + " s (" + cause.getMessage() + ")");
                    }
                    sleep();
                }
            }
        } finally {
            vertx.close();
        }
    }

    private static void check(Vertx vertx, PgConnectOptions options, String schema, String fix)
            throws ExecutionException, TimeoutException {
        PgConnection connection = await(PgConnection.connect(vertx, options));
        try {
            Row row = await(connection.query("SELECT count(*) FILTER (WHERE success), count(*) FILTER (WHERE NOT success)"
                    + " FROM " + schema + ".flyway_schema_history").execute()).iterator().next();
            if (row.getLong(1) > 0) {
                throw new NotReady("a migration of schema " + schema + " failed (see its flyway_schema_history) — " + fix);
            }
            if (row.getLong(0) == 0) {
                throw new NotReady("schema " + schema + " has no migrations applied — " + fix);
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PgException pg && UNDEFINED_TABLE.equals(pg.getSqlState())) {
                throw new NotReady("schema " + schema + " is not migrated (no flyway_schema_history) — " + fix);
            }
            throw e;
        } finally {
            connection.close();
        }
    }

    private static <T> T await(Future<T> future) throws ExecutionException, TimeoutException {
        try {
            return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotReady("interrupted while checking the database");
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotReady("interrupted while waiting for the database");
        }
    }
}
