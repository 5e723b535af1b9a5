package dev.sparkd.core.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.jboss.logging.Logger;

/**
 * A PostgreSQL server run by a daemon that has no {@code [database] url}: binaries from Maven Central
 * (zonky's binary jars), a durable data directory under the state directory, fsync on, password
 * authentication, listening on 127.0.0.1 only.
 *
 * <p>Starting and stopping block for about a second (more on first start, when binaries are unpacked
 * and initdb runs): call them from {@code main} before Quarkus boots, or from a worker thread, never
 * from an event loop. {@link #close()} stops the server; a JVM shutdown hook does the same on Ctrl-C
 * or SIGTERM, so no postgres is left behind.
 *
 * <p>One runs per host, supervised by {@link SupervisedPostgres} ({@code sparkd db}); the daemons connect to it
 * through the facts in {@link HostDatabase}. Tests start one directly.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedPostgres.class);
    /** The log is rotated once at start beyond this size; the server logs little (warnings and up). */
    private static final long MAX_LOG_BYTES = 10L * 1024 * 1024;
    /** Attempts when port 0 was asked for and another process took the picked port first. */
    private static final int PORT_ATTEMPTS = 3;

    private final EmbeddedPostgresOptions options;
    private final PostgresServer server;
    private final LockFile lock;
    private final int port;
    private final String password;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private EmbeddedPostgres(EmbeddedPostgresOptions options, PostgresServer server, LockFile lock, int port, String password) {
        this.options = options;
        this.server = server;
        this.lock = lock;
        this.port = port;
        this.password = password;
        this.shutdownHook = new Thread(this::stopAtJvmExit, "sparkd-embedded-postgres-stop");
    }

    /** Prepares the data directory if needed and starts the server. Blocking. */
    public static EmbeddedPostgres start(EmbeddedPostgresOptions options) {
        long started = System.nanoTime();
        if (options.port() != 0 && !LoopbackPorts.isFree(options.port())) {
            throw LoopbackPorts.portTaken(options.port()); // before minutes of unpacking and initdb are wasted
        }
        ServerAccount account = ServerAccount.forThisProcess(options.serverAccount());
        PostgresBinaries binaries = PostgresBinaries.install(options.binariesDir(), account);
        DurableFiles.createSearchableDirectories(options.dataDir().getParent());
        LockFile lock = LockFile.tryAcquire(options.lockFile()).orElseThrow(() -> new EmbeddedPostgresException(
                options.dataDir() + " is in use by another embedded PostgreSQL (" + options.lockFile() + " is locked);"
                        + " give each daemon its own state directory or data directory"));
        try {
            DataDirectory dataDir = new DataDirectory(options, binaries, account);
            String password = dataDir.prepare();
            Path logFile = prepareLogFile(options.logFile());
            for (int attempt = 1; ; attempt++) {
                int port = choosePort(options.port());
                dataDir.writeServerConfig(port);
                try {
                    PostgresServer server = PostgresServer.start(options.dataDir(), port, logFile, options.startupTimeout(),
                            binaries, account);
                    EmbeddedPostgres postgres = new EmbeddedPostgres(options, server, lock, port, password);
                    try {
                        Runtime.getRuntime().addShutdownHook(postgres.shutdownHook);
                    } catch (IllegalStateException e) {
                        server.stop(); // the JVM is exiting; nothing would stop the server later
                        throw new EmbeddedPostgresException("the JVM is shutting down; not starting PostgreSQL", e);
                    }
                    LOG.infof("Embedded PostgreSQL %d (pid %d, user %s) accepts connections on %s:%d, data in %s; started"
                            + " in %d ms", binaries.majorVersion(), server.pid(), account.userName(), LoopbackPorts.HOST, port,
                            options.dataDir(), Duration.ofNanos(System.nanoTime() - started).toMillis());
                    return postgres;
                } catch (PostgresServer.PortTakenException e) {
                    if (options.port() != 0 || attempt == PORT_ATTEMPTS) {
                        throw e;
                    }
                    LOG.infof("Port %d was taken before the embedded PostgreSQL could bind it; trying another", port);
                }
            }
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The TCP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The postmaster's process id. */
    public long pid() {
        return server.pid();
    }

    public String database() {
        return options.database();
    }

    public String username() {
        return options.user();
    }

    /** The generated password; keep it out of logs. */
    public String password() {
        return password;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/DB}, for {@code sparkd migrate} (Flyway). */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + LoopbackPorts.HOST + ":" + port + "/" + options.database();
    }

    /** {@code postgresql://127.0.0.1:PORT/DB}, for the Vert.x reactive client behind Hibernate Reactive. */
    public String reactiveUrl() {
        return "postgresql://" + LoopbackPorts.HOST + ":" + port + "/" + options.database();
    }

    public EmbeddedPostgresOptions options() {
        return options;
    }

    /** False once closed, or when the server died (which is logged as an error). */
    public boolean isRunning() {
        return server.isRunning();
    }

    /** True once {@link #close()} (or the JVM's shutdown) began stopping the server: its exit is no crash. */
    public boolean stopRequested() {
        return closed;
    }

    /** Completes when the server has exited: stopped by {@link #close()}, or died (then {@link #isRunning()} was false first). */
    public CompletableFuture<Void> exited() {
        return server.exited();
    }

    /** Stops the server (fast shutdown) and releases the data directory. Blocking; idempotent. */
    @Override
    public void close() {
        if (stop()) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down; the hook finds the server stopped.
            }
        }
    }

    private void stopAtJvmExit() {
        if (stop()) {
            LOG.infof("Stopped the embedded PostgreSQL on %s at JVM exit", options.dataDir());
        }
    }

    /** Returns false when already stopped. */
    private synchronized boolean stop() {
        if (closed) {
            return false;
        }
        closed = true;
        try {
            server.stop();
        } finally {
            lock.close();
        }
        return true;
    }

    @Override
    public String toString() {
        return "EmbeddedPostgres[" + reactiveUrl() + ", user " + username() + ", data " + options.dataDir() + "]";
    }

    private static int choosePort(int configured) {
        if (configured == 0) {
            return LoopbackPorts.pickFree();
        }
        if (!LoopbackPorts.isFree(configured)) {
            throw LoopbackPorts.portTaken(configured);
        }
        return configured;
    }

    /**
     * The server's stdout and stderr are appended by this JVM (not by the server account), so the log
     * directory needs no special ownership.
     */
    private static Path prepareLogFile(Path logFile) {
        DurableFiles.createSearchableDirectories(logFile.getParent());
        try {
            if (Files.exists(logFile) && Files.size(logFile) > MAX_LOG_BYTES) {
                Files.move(logFile, logFile.resolveSibling(logFile.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
            if (!Files.exists(logFile)) {
                // Failed statements are logged with their text, which may include data.
                Files.createFile(logFile, PosixFilePermissions.asFileAttribute(DurableFiles.PRIVATE_FILE));
            }
        } catch (IOException e) {
            throw new EmbeddedPostgresException("could not prepare the log file " + logFile + ": " + e.getMessage(), e);
        }
        return logFile;
    }
}
