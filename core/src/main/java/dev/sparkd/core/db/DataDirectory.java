package dev.sparkd.core.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

/**
 * A PostgreSQL data directory owned by sparkd: created with initdb on first use, configured for
 * durability on every start, and cleared of whatever a crash left behind.
 *
 * <p>All methods block (they run initdb, pg_ctl or a single-user postgres) and expect the caller to
 * hold the data directory's {@link LockFile}.
 */
final class DataDirectory {

    private static final Logger LOG = Logger.getLogger(DataDirectory.class);

    /** Our settings, rewritten at every start; postgresql.conf includes it last, so it wins. */
    static final String SERVER_CONFIG_FILE = "sparkd.conf";
    private static final String INCLUDE_LINE = "include '" + SERVER_CONFIG_FILE + "'";
    /** Databases already created, so later starts need no single-user postgres run. */
    private static final String DATABASES_FILE = "sparkd-databases";
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration LEFTOVER_EXIT_TIMEOUT = Duration.ofSeconds(15);

    private final EmbeddedPostgresOptions options;
    private final PostgresBinaries binaries;
    private final ServerAccount account;
    private final Path dir;

    DataDirectory(EmbeddedPostgresOptions options, PostgresBinaries binaries, ServerAccount account) {
        this.options = options;
        this.binaries = binaries;
        this.account = account;
        this.dir = options.dataDir();
    }

    /**
     * Makes the directory ready for {@link PostgresServer#start}: initialises it on first use, else
     * stops a server left running by a crashed daemon and waits for dying backends; creates the
     * database. Returns the password.
     */
    String prepare() {
        Path parent = dir.getParent();
        DurableFiles.createSearchableDirectories(parent);
        account.requireSearchable(parent);
        if (!Files.exists(dir.resolve("PG_VERSION"))) {
            String password = PasswordFile.read(options.passwordFile()).orElseGet(() -> {
                String generated = PasswordFile.generate();
                // Written before initdb: if we crash after the data directory appears, the password is known.
                PasswordFile.write(options.passwordFile(), generated);
                return generated;
            });
            initialize(password);
            return password;
        }
        checkMajorVersion();
        if (!account.owns(dir)) {
            LOG.warnf("Giving %s to user %s, who runs the embedded PostgreSQL", dir, account.userName());
            account.takeOwnershipOfTree(dir);
        }
        stopLeftoverServer();
        ensureIncludesServerConfig(dir);
        String password = PasswordFile.read(options.passwordFile()).orElseGet(this::resetPassword);
        ensureDatabase(dir);
        return password;
    }

    /** Writes {@link #SERVER_CONFIG_FILE} for the next start on {@code port}. */
    void writeServerConfig(int port) {
        writeServerConfig(dir, port);
    }

    /**
     * Runs initdb into a staging directory and renames it into place only when complete, so a crash
     * during initialisation never leaves a half-made data directory that later starts would trip over.
     */
    private void initialize(String password) {
        if (Files.exists(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new EmbeddedPostgresException(dir + " exists but is not a PostgreSQL data directory (no"
                            + " PG_VERSION); move it away so a new one can be created there");
                }
                Files.delete(dir);
            } catch (IOException e) {
                throw new EmbeddedPostgresException("could not inspect " + dir + ": " + e.getMessage(), e);
            }
        }
        long started = System.nanoTime();
        Path staging = dir.resolveSibling("." + dir.getFileName() + ".initdb");
        DurableFiles.deleteTree(staging);
        Path stagingData = staging.resolve("data");
        Path pwfile = staging.resolve("pwfile");
        try {
            createPrivateDirectory(staging);
            createPrivateDirectory(stagingData);
            PasswordFile.write(pwfile, password);
            account.takeOwnership(pwfile);
            Commands.Result initdb;
            try {
                initdb = Commands.run(account.command(List.of(binaries.initdb().toString(),
                        "-D", stagingData.toString(),
                        "-U", options.user(),
                        "--auth=scram-sha-256",
                        "--pwfile=" + pwfile,
                        "-E", "UTF8",
                        "--no-locale")), INITDB_TIMEOUT, null);
            } finally {
                DurableFiles.deleteQuietly(pwfile);
            }
            if (!initdb.succeeded()) {
                throw new EmbeddedPostgresException("initdb failed for " + dir + " (exit code " + initdb.exitCode()
                        + "):\n" + initdb.tail(15));
            }
            ensureIncludesServerConfig(stagingData);
            // Single-user mode reads the configuration too; the real port is written before the server starts.
            writeServerConfig(stagingData, options.port() == 0 ? 5432 : options.port());
            ensureDatabase(stagingData);
            Files.move(stagingData, dir, StandardCopyOption.ATOMIC_MOVE);
            DurableFiles.syncDirectory(dir.getParent());
        } catch (IOException e) {
            throw new EmbeddedPostgresException("could not create the data directory " + dir + ": " + e.getMessage(), e);
        } finally {
            DurableFiles.deleteTree(staging);
        }
        LOG.infof("Created PostgreSQL data directory %s in %d ms", dir, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    private void createPrivateDirectory(Path path) throws IOException {
        Files.createDirectory(path);
        Files.setPosixFilePermissions(path, DurableFiles.PRIVATE_DIR);
        account.takeOwnership(path);
    }

    private void checkMajorVersion() {
        String created;
        try {
            created = Files.readString(dir.resolve("PG_VERSION")).strip();
        } catch (IOException e) {
            throw new EmbeddedPostgresException("could not read " + dir.resolve("PG_VERSION") + ": " + e.getMessage(), e);
        }
        if (!created.equals(String.valueOf(binaries.majorVersion()))) {
            throw new EmbeddedPostgresException(dir + " was created by PostgreSQL " + created + " but the embedded binaries"
                    + " are PostgreSQL " + binaries.majorVersion() + "; migrate it with pg_upgrade or pg_dump/restore,"
                    + " or move it away to start with an empty database");
        }
    }

    /**
     * A daemon that was killed (kill -9, OOM) leaves its postmaster running, or a stale
     * {@code postmaster.pid}. We hold the lock, so such a server is an orphan: stop it. A stale pid file
     * is removed because its pid may have been reused, or be an unreaped zombie, which postgres would
     * take for a live server. Then wait until no backend of the old server still runs in the directory,
     * because two servers on one data directory corrupt it.
     */
    private void stopLeftoverServer() {
        Path pidFile = dir.resolve("postmaster.pid");
        Optional<Long> pid = postmasterPid(pidFile);
        if (pid.isPresent()) {
            if (ProcFs.isRunning(pid.get()) && dir.equals(ProcFs.workingDirectory(pid.get()))) {
                LOG.warnf("Stopping PostgreSQL (pid %d) left running on %s by an earlier run", pid.get(), dir);
                Commands.Result stop = Commands.run(account.command(List.of(binaries.pgCtl().toString(), "stop",
                        "-D", dir.toString(), "-m", "fast", "-w", "-t", "60")), Duration.ofSeconds(90), null);
                if (!stop.succeeded()) {
                    throw new EmbeddedPostgresException("could not stop the PostgreSQL server (pid " + pid.get() + ") left"
                            + " running on " + dir + ":\n" + stop.tail(10));
                }
            } else {
                LOG.infof("Removing stale %s (pid %d is not running)", pidFile, pid.get());
                DurableFiles.deleteQuietly(pidFile);
            }
        }
        long deadline = System.nanoTime() + LEFTOVER_EXIT_TIMEOUT.toNanos();
        List<Long> leftovers;
        while (!(leftovers = ProcFs.withWorkingDirectory(dir)).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new EmbeddedPostgresException("processes " + leftovers + " still run in " + dir + " (backends of an"
                        + " earlier PostgreSQL server?); stop them before starting the embedded PostgreSQL");
            }
            sleep(Duration.ofMillis(50));
        }
    }

    static Optional<Long> postmasterPid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The password file was lost: set a new password, which single-user mode allows without the old one. */
    private String resetPassword() {
        LOG.warnf("%s is missing; setting a new password for user %s", options.passwordFile(), options.user());
        String password = PasswordFile.generate();
        PasswordFile.write(options.passwordFile(), password);
        runSingleUser(dir, "ALTER ROLE \"" + options.user() + "\" PASSWORD '" + password + "'", password);
        return password;
    }

    private void ensureDatabase(Path dataDir) {
        Path record = dataDir.resolve(DATABASES_FILE);
        List<String> created = new ArrayList<>();
        try {
            if (Files.exists(record)) {
                created.addAll(Files.readAllLines(record).stream().map(String::strip).filter(s -> !s.isEmpty()).toList());
            }
        } catch (IOException e) {
            throw new EmbeddedPostgresException("could not read " + record + ": " + e.getMessage(), e);
        }
        if (created.contains(options.database())) {
            return;
        }
        Commands.Result result = runSingleUser(dataDir, "CREATE DATABASE \"" + options.database() + "\"", null);
        if (!result.succeeded() && !result.output().contains("already exists")) {
            throw new EmbeddedPostgresException("could not create database " + options.database() + " in " + dataDir
                    + ":\n" + result.tail(10));
        }
        created.add(options.database());
        DurableFiles.writeAtomically(record, String.join("\n", created) + "\n", DurableFiles.READABLE_FILE);
        account.takeOwnership(record);
    }

    /**
     * Runs one statement in single-user mode, which needs no server, no port and no password. Returns
     * the result when the statement fails, so callers can accept "already exists".
     */
    private Commands.Result runSingleUser(Path dataDir, String statement, String secretToHide) {
        Commands.Result result = Commands.run(account.command(List.of(binaries.postgres().toString(), "--single",
                "-D", dataDir.toString(), "-c", "exit_on_error=on", "postgres")), INITDB_TIMEOUT, statement + "\n");
        if (secretToHide != null) {
            result = new Commands.Result(result.exitCode(), result.output().replace(secretToHide, "********"));
            if (!result.succeeded()) {
                throw new EmbeddedPostgresException("could not set the password of user " + options.user() + " in "
                        + dataDir + ":\n" + result.tail(10));
            }
        }
        return result;
    }

    private void ensureIncludesServerConfig(Path dataDir) {
        Path conf = dataDir.resolve("postgresql.conf");
        try {
            if (Files.readAllLines(conf).stream().noneMatch(line -> line.strip().equals(INCLUDE_LINE))) {
                Files.writeString(conf, "\n# Managed by sparkd, rewritten at every start; keep this line last.\n"
                        + INCLUDE_LINE + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new EmbeddedPostgresException("could not update " + conf + ": " + e.getMessage(), e);
        }
    }

    private void writeServerConfig(Path dataDir, int port) {
        String config = String.join("\n",
                "# Written by sparkd at every start of its embedded PostgreSQL; edits are overwritten.",
                "listen_addresses = '127.0.0.1'",
                "port = " + port,
                // No Unix socket: clients use TCP on loopback, two servers cannot collide on a socket lock
                // file in /tmp, and long state-dir paths cannot exceed the 107-byte socket path limit.
                "unix_socket_directories = ''",
                // Durability. zonky's EmbeddedPostgres turns these off to make tests fast; this server
                // holds a daemon's real state, so a committed transaction must survive a power cut.
                "fsync = on",
                "synchronous_commit = on",
                "full_page_writes = on",
                // A small footprint: a few daemon connection pools, little data.
                "shared_buffers = 16MB",
                "max_connections = 40",
                "max_wal_size = 256MB",
                "password_encryption = 'scram-sha-256'",
                "ssl = off",
                // Log lines go to stderr, which the daemon appends to log/postgresql.log.
                "logging_collector = off",
                "log_destination = 'stderr'",
                "");
        Path file = dataDir.resolve(SERVER_CONFIG_FILE);
        DurableFiles.writeAtomically(file, config, DurableFiles.READABLE_FILE);
        account.takeOwnership(file);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedPostgresException("interrupted while preparing the embedded PostgreSQL", e);
        }
    }
}
