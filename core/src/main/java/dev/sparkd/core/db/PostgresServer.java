package dev.sparkd.core.db;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * A running postmaster, started as a direct child of this JVM.
 *
 * <p>Not through {@code pg_ctl start}: that detaches the server, and a server that dies is then reaped
 * by PID 1, which in a container may never happen; the zombie keeps its pid "alive" and blocks the next
 * start. As our child it is reaped by the JVM, and we notice at once when it exits. {@code pg_ctl stop}
 * is still what stops it, because it sends the "fast shutdown" signal and waits properly.
 */
final class PostgresServer {

    private static final Logger LOG = Logger.getLogger(PostgresServer.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final long pid;
    private final Path dataDir;
    private final PostgresBinaries binaries;
    private final ServerAccount account;
    private volatile boolean stopping;

    private PostgresServer(Process process, long pid, Path dataDir, PostgresBinaries binaries, ServerAccount account) {
        this.process = process;
        this.pid = pid;
        this.dataDir = dataDir;
        this.binaries = binaries;
        this.account = account;
    }

    /** The port was taken between choosing it and binding it. */
    static final class PortTakenException extends EmbeddedPostgresException {
        PortTakenException(int port) {
            super(LoopbackPorts.portTaken(port).getMessage());
        }
    }

    /** Starts postgres on {@code dataDir} (configured for {@code port}) and waits until it accepts connections. */
    static PostgresServer start(Path dataDir, int port, Path logFile, Duration timeout, PostgresBinaries binaries,
            ServerAccount account) {
        long logOffset = logFile.toFile().length();
        ProcessBuilder builder = new ProcessBuilder(account.command(List.of(binaries.postgres().toString(), "-D", dataDir.toString())))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Commands.cleanEnvironment(builder.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new EmbeddedPostgresException("could not start " + binaries.postgres() + ": " + e.getMessage(), e);
        }
        try {
            return awaitReady(process, dataDir, port, logFile, logOffset, timeout, binaries, account);
        } catch (RuntimeException e) {
            // Half-started; whatever it did is undone by crash recovery at the next start.
            process.destroyForcibly();
            throw e;
        }
    }

    private static PostgresServer awaitReady(Process process, Path dataDir, int port, Path logFile, long logOffset,
            Duration timeout, PostgresBinaries binaries, ServerAccount account) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                String log = logSince(logFile, logOffset);
                if (log.contains("Address already in use")) {
                    throw new PortTakenException(port);
                }
                throw new EmbeddedPostgresException("the embedded PostgreSQL exited during startup (exit code "
                        + process.exitValue() + "); from " + logFile + ":\n" + Commands.tail(log, 15));
            }
            List<String> pidFile = readLines(dataDir.resolve("postmaster.pid"));
            // postmaster.pid lines: pid, data dir, start time, port, socket dir, listen address, shmem key, status.
            if (pidFile.size() >= 8 && pidFile.get(7).strip().equals("ready") && pidFile.get(3).strip().equals(String.valueOf(port))
                    && LoopbackPorts.accepts(port)) {
                PostgresServer server = new PostgresServer(process, Long.parseLong(pidFile.get(0).strip()), dataDir, binaries, account);
                process.onExit().thenAccept(p -> server.exited(logFile));
                return server;
            }
            if (System.nanoTime() > deadline) {
                throw new EmbeddedPostgresException("the embedded PostgreSQL did not accept connections within "
                        + timeout.toSeconds() + " s; from " + logFile + ":\n" + Commands.tail(logSince(logFile, logOffset), 15));
            }
            sleep(20);
        }
    }

    long pid() {
        return pid;
    }

    boolean isRunning() {
        return process.isAlive();
    }

    /** Completes when the postmaster has exited, for whatever reason. */
    CompletableFuture<Void> exited() {
        return process.onExit().thenApply(p -> null);
    }

    /** Fast shutdown: open transactions roll back, committed ones are on disk. Blocking. */
    void stop() {
        stopping = true;
        if (!process.isAlive()) {
            return;
        }
        Commands.Result result = Commands.run(account.command(List.of(binaries.pgCtl().toString(), "stop", "-D",
                dataDir.toString(), "-m", "fast", "-w", "-t", String.valueOf(STOP_TIMEOUT.toSeconds()))),
                STOP_TIMEOUT.plusSeconds(30), null);
        if (!result.succeeded() && process.isAlive()) {
            LOG.warnf("pg_ctl stop failed for the embedded PostgreSQL (pid %d):%n%s", pid, result.tail(5));
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                // Like a crash: WAL replay at the next start brings the data back to the last commit.
                LOG.warnf("The embedded PostgreSQL (pid %d) did not stop; killing it", pid);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void exited(Path logFile) {
        if (!stopping) {
            LOG.errorf("The embedded PostgreSQL (pid %d) exited unexpectedly with exit code %d; see %s", pid,
                    process.exitValue(), logFile);
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String logSince(Path logFile, long offset) {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long start = Math.max(offset, file.length() - 64 * 1024);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(could not read the log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedPostgresException("interrupted while waiting for the embedded PostgreSQL to start", e);
        }
    }
}
