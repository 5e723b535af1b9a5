package dev.sparkd.daemon.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import dev.sparkd.core.config.ConfigException;
import dev.sparkd.core.config.ConfigLocation;
import dev.sparkd.core.config.DatabaseSettings;
import dev.sparkd.core.config.SecretRef;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.db.EmbeddedPostgresException;
import dev.sparkd.core.db.HostDatabase;
import io.quarkus.runtime.Quarkus;

/**
 * What every daemon does before Quarkus boots: find and validate the config (exit 2 with the full report when it is
 * wrong, before anything starts), create the state directory, find the database — the host's embedded server run by
 * {@code sparkd db}, unless {@code [database] url} names one — waiting for it with a deadline, and make sure
 * {@code sparkd migrate} has prepared this daemon's schema (exit 1 with the reason and the fix otherwise). Runs on the
 * main thread, where blocking is fine.
 */
public final class DaemonMain {
    /** Exit code for a configuration error, shared by every daemon and {@code sparkd check}. */
    public static final int EXIT_CONFIG = 2;
    /** How long a daemon waits for the host's PostgreSQL, e.g. while {@code sparkd db} starts next to it. */
    private static final Duration DATABASE_TIMEOUT = Duration.ofSeconds(60);
    /** How long a daemon that may start without its database waits for it before it does. */
    private static final Duration OPTIONAL_DATABASE_TIMEOUT = Duration.ofSeconds(15);

    /** Whether a daemon may start while the host's PostgreSQL does not answer. */
    public enum Database {
        /** It needs the database to start (the default). */
        REQUIRED,
        /**
         * It starts without it once {@code sparkd migrate} prepared its schema before, and catches up when the server
         * answers (the router: keys from its cache, ledger rows in its spill file).
         */
        OPTIONAL_ONCE_MIGRATED
    }

    private DaemonMain() {
    }

    public static void run(String daemon, String... args) {
        run(daemon, Database.REQUIRED, args);
    }

    public static void run(String daemon, Database database, String... args) {
        Path file = ConfigLocation.resolve(args, System.getenv());
        SuiteConfig config;
        try {
            config = StartConfig.of(file);
        } catch (ConfigException e) {
            System.err.println(ConfigException.report(e.problems()));
            System.err.println(daemon + ": not started — " + e.problems().size() + " problem(s) in " + file);
            System.exit(EXIT_CONFIG);
            return;
        }
        Path stateDir = config.suite().stateDir(daemon);
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            System.err.println(daemon + ": cannot create the state directory " + stateDir + " (" + e.getMessage()
                    + ") — set [suite] state_dir to a directory this user may write");
            System.exit(EXIT_CONFIG);
            return;
        }
        System.setProperty("sparkd.config", file.toString());
        String fix = "run `sparkd migrate --config " + file + " " + daemon + "` first";
        try {
            DatabaseSettings db = config.database();
            String schema = HostDatabase.schema(daemon);
            if (db.embedded()) {
                HostDatabase host = new HostDatabase(config.suite().stateDir());
                Path passwordFile = host.passwordFile(daemon);
                boolean migratedBefore = Files.exists(passwordFile) && host.recordedPort().isPresent();
                int port;
                boolean answered = true;
                try {
                    port = host.awaitServer(database == Database.OPTIONAL_ONCE_MIGRATED && migratedBefore ? OPTIONAL_DATABASE_TIMEOUT
                            : DATABASE_TIMEOUT);
                } catch (EmbeddedPostgresException e) {
                    if (database != Database.OPTIONAL_ONCE_MIGRATED || !migratedBefore) {
                        throw e;
                    }
                    // it ran against this schema before: serve without the database, which it reconnects to later
                    System.err.println(daemon + ": starting without the database for now — " + e.getMessage());
                    port = host.recordedPort().getAsInt();
                    answered = false;
                }
                Optional<String> password = HostDatabase.readPassword(passwordFile);
                if (password.isEmpty()) {
                    throw new MigratedSchema.NotReady("no database role for " + daemon + " yet (" + passwordFile + " is missing) — " + fix);
                }
                if (answered) {
                    MigratedSchema.require(HostDatabase.reactiveUrl(port), schema, password.get(), schema, fix, DATABASE_TIMEOUT);
                }
                System.setProperty(SparkdConfigSourceFactory.EMBEDDED_DB_URL, HostDatabase.reactiveUrl(port));
                System.setProperty(SparkdConfigSourceFactory.EMBEDDED_DB_USER, schema);
                System.setProperty(SparkdConfigSourceFactory.EMBEDDED_DB_PASSWORD_FILE, passwordFile.toString());
            } else {
                MigratedSchema.require(db.reactiveUrl().orElseThrow(), db.effectiveUser(),
                        db.password().map(SecretRef::resolve).orElse(null), schema, fix, DATABASE_TIMEOUT);
            }
        } catch (RuntimeException e) { // MigratedSchema.NotReady, EmbeddedPostgresException (no server), unreadable secret
            System.err.println(daemon + ": not started — " + e.getMessage());
            System.exit(1);
            return;
        }
        Quarkus.run(args);
    }
}
