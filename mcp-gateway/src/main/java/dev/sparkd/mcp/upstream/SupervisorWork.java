package dev.sparkd.mcp.upstream;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * Where the supervisor's work runs, now or after a delay — the gateway's one helper for it. Starting a server,
 * {@code initialize}, reading its lists and stopping a process group block for up to tens of seconds, so they run on
 * a named Vert.x worker pool ({@code mcp-upstream}), never on an event loop and never on the pool that serves
 * requests. A restart after backoff is a one-shot Vert.x timer that hands the start to that pool: Quarkus Scheduler
 * runs periodic jobs only, and the gateway's periodic jobs (pings, forgetting closed sessions) are {@code @Scheduled}.
 * The stdio transport's pipe readers are not here: each reads for the life of its process, so each has a thread of its
 * own (see {@link StdioTransport}).
 */
@Singleton
public class SupervisorWork {
    private static final Logger LOG = Logger.getLogger(SupervisorWork.class);
    /** Starts of different upstreams run side by side; one hanging server does not hold the others. */
    static final int THREADS = 4;
    /** Longer than any start can take (initialize and four lists, each bounded), so Vert.x warns only of a real hang. */
    static final Duration MAX_TASK = Duration.ofMinutes(5);

    private final Vertx vertx;
    private final WorkerExecutor pool;

    public SupervisorWork(Vertx vertx) {
        this.vertx = vertx;
        this.pool = vertx.createSharedWorkerExecutor("mcp-upstream", THREADS, MAX_TASK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs blocking {@code task} on the supervisor's worker pool. */
    public void run(Runnable task) {
        pool.executeBlocking(() -> {
            task.run();
            return null;
        }, false).onFailure(e -> LOG.warnf(e, "upstream supervisor task failed"));
    }

    /** Runs blocking {@code task} on the worker pool once {@code delay} has passed. */
    public void after(Duration delay, Runnable task) {
        vertx.setTimer(Math.max(1, delay.toMillis()), id -> run(task));
    }

    @PreDestroy
    void close() {
        pool.close();
    }
}
