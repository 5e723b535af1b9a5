package dev.sparkd.core.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The files under {@code state_dir} through which the host's one embedded PostgreSQL (run by {@code sparkd db}),
 * {@code sparkd migrate} and the daemons find each other:
 *
 * <pre>
 * &lt;state_dir&gt;/postgres/               data directory (0700), owned by the user that runs {@code sparkd db}
 * &lt;state_dir&gt;/postgres.password       the superuser's password (0600); only {@code sparkd migrate} reads it
 * &lt;state_dir&gt;/postgres.port           the port on 127.0.0.1, kept across restarts
 * &lt;state_dir&gt;/&lt;daemon&gt;/db.password    the daemon's own role's password (0600), written by {@code sparkd migrate}
 * </pre>
 *
 * <p>Each daemon has one schema and one role, both named after it ({@code health-agent} → {@code health_agent}).
 */
public final class HostDatabase {

    /** The database every daemon's schema lives in. */
    public static final String DATABASE = "sparkd";
    /** The superuser created by initdb. */
    public static final String SUPERUSER = "sparkd";

    private final Path stateDir;

    public HostDatabase(Path stateDir) {
        this.stateDir = stateDir.toAbsolutePath().normalize();
    }

    public Path stateDir() {
        return stateDir;
    }

    /** The schema, and the role, of a daemon: its name with '-' replaced by '_'. */
    public static String schema(String daemon) {
        return daemon.replace('-', '_');
    }

    /** Options of the host's server; the port is the recorded one, or a free one at first start. */
    public EmbeddedPostgresOptions serverOptions() {
        return EmbeddedPostgresOptions.forHost(stateDir).port(recordedPort().orElse(0)).build();
    }

    public Path portFile() {
        return stateDir.resolve("postgres.port");
    }

    public Path superuserPasswordFile() {
        return EmbeddedPostgresOptions.forHost(stateDir).build().passwordFile();
    }

    public Path passwordFile(String daemon) {
        return stateDir.resolve(daemon).resolve("db.password");
    }

    public OptionalInt recordedPort() {
        try {
            return OptionalInt.of(Integer.parseInt(Files.readString(portFile()).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** Records the port so daemons can find the server, and so a restart keeps it. */
    public void recordPort(int port) {
        DurableFiles.writeAtomically(portFile(), port + "\n", DurableFiles.READABLE_FILE);
    }

    public static String jdbcUrl(int port) {
        return "jdbc:" + reactiveUrl(port);
    }

    public static String reactiveUrl(int port) {
        return "postgresql://" + LoopbackPorts.HOST + ":" + port + "/" + DATABASE;
    }

    /**
     * Waits until the recorded port accepts connections. The server may still be starting (crash recovery), so
     * callers retry their first login too.
     */
    public int awaitServer(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            OptionalInt port = recordedPort();
            if (port.isPresent() && LoopbackPorts.accepts(port.getAsInt())) {
                return port.getAsInt();
            }
            if (System.nanoTime() > deadline) {
                throw new EmbeddedPostgresException(port.isPresent()
                        ? "no PostgreSQL answers on " + LoopbackPorts.HOST + ":" + port.getAsInt() + " (recorded in " + portFile()
                                + ") after " + timeout.toSeconds() + " s"
                                + "; start the host's server with `sparkd db --config FILE` (systemd: sparkd-postgres.service)"
                        : "the host's PostgreSQL has never run for " + stateDir + " (no " + portFile() + ") after "
                                + timeout.toSeconds() + " s; start it with `sparkd db --config FILE` (systemd: sparkd-postgres.service)");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddedPostgresException("interrupted while waiting for PostgreSQL", e);
            }
        }
    }

    /** A password file's content, when the file exists; the file is made private when it was not. */
    public static Optional<String> readPassword(Path file) {
        return PasswordFile.read(file);
    }

    /** Writes a new random password to {@code file} (0600) and returns it. */
    public static String writeNewPassword(Path file) {
        String password = PasswordFile.generate();
        DurableFiles.createSearchableDirectories(file.getParent());
        PasswordFile.write(file, password);
        return password;
    }

    /** A new random password that needs no escaping in SQL literals or URLs. */
    public static String newPassword() {
        return PasswordFile.generate();
    }
}
