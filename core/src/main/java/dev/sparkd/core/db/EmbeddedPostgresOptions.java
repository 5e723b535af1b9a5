package dev.sparkd.core.db;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to run an {@link EmbeddedPostgres}.
 *
 * <p>Next to {@code dataDir} (say {@code <state_dir>/postgres}) live the files that belong to it:
 * {@code postgres.password} (0600), {@code postgres.lock} and {@code log/postgresql.log}.
 *
 * @param dataDir        the PostgreSQL data directory; durable, so never under {@code /tmp}
 * @param binariesDir    where binaries are unpacked, one subdirectory per version and architecture; daemons
 *                       on one machine may share it
 * @param port           TCP port on 127.0.0.1; 0 picks a free one at every start
 * @param database       database created on first start
 * @param user           the superuser the daemon connects as
 * @param startupTimeout how long to wait for the server to accept connections (crash recovery included)
 * @param serverAccount  the unprivileged OS user that runs PostgreSQL when this process runs as root
 */
public record EmbeddedPostgresOptions(Path dataDir, Path binariesDir, int port, String database, String user,
        Duration startupTimeout, String serverAccount) {

    /** Names that need no quoting surprises in SQL, URLs or file names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,62}");

    public EmbeddedPostgresOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(binariesDir, "binariesDir");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        dataDir = dataDir.toAbsolutePath().normalize();
        binariesDir = binariesDir.toAbsolutePath().normalize();
        if (dataDir.getParent() == null) {
            throw new IllegalArgumentException("dataDir must not be the root directory");
        }
        // Where the data lives is the user's [suite] state_dir: the config check refuses /tmp and /dev/shm there.
        // Not here, so a checkout (tests, the demo) works wherever it was cloned.
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
        }
        requireName("database", database);
        requireName("user", user);
        requireName("serverAccount", serverAccount);
        if (startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("startupTimeout must be positive");
        }
    }

    /** Options with defaults for everything but the data directory. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /**
     * The layout of a host's one server: data in {@code <stateDir>/postgres}, binaries in
     * {@code <stateDir>/postgres-binaries} (see {@link HostDatabase}).
     */
    public static Builder forHost(Path stateDir) {
        return new Builder(stateDir.resolve("postgres")).binariesDir(stateDir.resolve("postgres-binaries"));
    }

    /** The generated password, readable by this process's user only. */
    public Path passwordFile() {
        return dataDir.resolveSibling(dataDir.getFileName() + ".password");
    }

    /** The server's log (stdout and stderr); rotated once at start when it grows large. */
    public Path logFile() {
        return dataDir.resolveSibling("log").resolve("postgresql.log");
    }

    /** Held while a process runs the server on this data directory, so two servers cannot share it. */
    Path lockFile() {
        return dataDir.resolveSibling(dataDir.getFileName() + ".lock");
    }

    private static void requireName(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 1-63 letters, digits, '_' or '-' (not starting with a"
                    + " digit or '-'), not " + value);
        }
    }

    /** Builds {@link EmbeddedPostgresOptions}; every setting but the data directory has a default. */
    public static final class Builder {
        private final Path dataDir;
        private Path binariesDir;
        private int port = 0;
        private String database = "sparkd";
        private String user = "sparkd";
        private Duration startupTimeout = Duration.ofSeconds(60);
        private String serverAccount = "nobody";

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /** Default: {@code postgres-binaries} next to the data directory. */
        public Builder binariesDir(Path binariesDir) {
            this.binariesDir = binariesDir;
            return this;
        }

        /** Default 0: a free port, picked at every start. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Default {@code sparkd}. */
        public Builder database(String database) {
            this.database = database;
            return this;
        }

        /** Default {@code sparkd}. */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** Default 60 s. */
        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = startupTimeout;
            return this;
        }

        /** Default {@code nobody}; only used when this process runs as root. */
        public Builder serverAccount(String serverAccount) {
            this.serverAccount = serverAccount;
            return this;
        }

        public EmbeddedPostgresOptions build() {
            Path binaries = binariesDir != null ? binariesDir
                    : dataDir.toAbsolutePath().normalize().resolveSibling("postgres-binaries");
            return new EmbeddedPostgresOptions(dataDir, binaries, port, database, user, startupTimeout, serverAccount);
        }
    }
}
