package dev.sparkd.core.db;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.jboss.logging.Logger;

/**
 * The host's embedded PostgreSQL, kept running: what {@code sparkd db} does. Starts the server on the port
 * recorded in {@link HostDatabase} (a free one at first start) and records it; when the server dies, starts it
 * again on the same port after a backoff (1 s, doubling to 30 s), so the daemons' connection pools reconnect
 * without user action. After {@value #MAX_FAILED_STARTS} failed starts in a row it gives up, and
 * {@link #awaitStopped()} returns false, so the caller exits non-zero and systemd (or the launcher) takes over.
 * {@link #close()} — also on SIGTERM or Ctrl-C, through the server's shutdown hook — stops it cleanly.
 */
public final class SupervisedPostgres implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SupervisedPostgres.class);
    static final int MAX_FAILED_STARTS = 5;
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final HostDatabase host;
    private final Thread watcher;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile EmbeddedPostgres current;
    private volatile boolean closing;
    private volatile boolean gaveUp;
    private volatile int restarts;

    private SupervisedPostgres(HostDatabase host, EmbeddedPostgres first) {
        this.host = host;
        this.current = first;
        this.watcher = new Thread(this::watch, "sparkd-postgres-supervisor");
    }

    /** Starts the host's server (blocking, like {@link EmbeddedPostgres#start}) and begins watching it. */
    public static SupervisedPostgres start(HostDatabase host) {
        EmbeddedPostgres first = EmbeddedPostgres.start(host.serverOptions());
        host.recordPort(first.port());
        SupervisedPostgres supervised = new SupervisedPostgres(host, first);
        supervised.watcher.start();
        return supervised;
    }

    public int port() {
        return current.port();
    }

    public long pid() {
        return current.pid();
    }

    /** How many times the server was started again after it died. */
    public int restarts() {
        return restarts;
    }

    /** Blocks until the server was stopped; false when it kept failing to start and supervision gave up. */
    public boolean awaitStopped() throws InterruptedException {
        stopped.await();
        return !gaveUp;
    }

    @Override
    public void close() {
        closing = true;
        current.close();
        watcher.interrupt();
        try {
            watcher.join(Duration.ofSeconds(90).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void watch() {
        try {
            while (true) {
                EmbeddedPostgres server = current;
                server.exited().join();
                if (closing || server.stopRequested()) {
                    return;
                }
                server.close(); // releases the data directory's lock; the server is already gone
                if (!restartAfterCrash(server.port())) {
                    gaveUp = true;
                    return;
                }
            }
        } finally {
            stopped.countDown();
        }
    }

    private boolean restartAfterCrash(int port) {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; attempt <= MAX_FAILED_STARTS; attempt++) {
            LOG.errorf("The host's PostgreSQL on port %d died; starting it again in %d s (attempt %d of %d)", port,
                    backoff.toSeconds(), attempt, MAX_FAILED_STARTS);
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                return true; // close() interrupts: stop watching without restarting
            }
            if (closing) {
                return true;
            }
            try {
                EmbeddedPostgres next = EmbeddedPostgres.start(host.serverOptions()); // on the recorded port
                current = next;
                restarts++;
                LOG.infof("The host's PostgreSQL runs again on port %d (pid %d)", port, next.pid());
                if (closing) {
                    next.close(); // close() ran during the start and stopped the old server only
                }
                return true;
            } catch (RuntimeException e) {
                LOG.errorf("Could not start the host's PostgreSQL again: %s", e.getMessage());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        LOG.errorf("Giving up on the host's PostgreSQL after %d failed starts", MAX_FAILED_STARTS);
        return false;
    }
}
