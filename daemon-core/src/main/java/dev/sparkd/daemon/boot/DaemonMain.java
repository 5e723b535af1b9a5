package dev.sparkd.daemon.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.sparkd.core.config.ConfigException;
import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.ConfigLocation;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.db.EmbeddedPostgres;
import dev.sparkd.core.db.EmbeddedPostgresOptions;
import io.quarkus.runtime.Quarkus;

/**
 * What every daemon does before Quarkus boots: find and validate the config (exit 2 with the full report when it is
 * wrong, before anything starts), create the state directory, and start the embedded PostgreSQL unless
 * {@code [database] url} names one. Runs on the main thread, where blocking is fine.
 */
public final class DaemonMain {
    /** Exit code for a configuration error, shared by every daemon and {@code sparkd check}. */
    public static final int EXIT_CONFIG = 2;

    private DaemonMain() {
    }

    public static void run(String daemon, String... args) {
        Path file = ConfigLocation.resolve(args, System.getenv());
        SuiteConfig config;
        try {
            config = ConfigLoader.load(file);
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
        EmbeddedPostgres database = null;
        if (config.database().embedded()) {
            try {
                database = EmbeddedPostgres.start(EmbeddedPostgresOptions.forDaemon(config.suite().stateDir(), daemon).build());
            } catch (RuntimeException e) {
                System.err.println(daemon + ": cannot start the embedded PostgreSQL: " + e.getMessage());
                System.exit(1);
                return;
            }
        }
        if (database != null) {
            System.setProperty(SparkdConfigSourceFactory.EMBEDDED_DB_URL, database.reactiveUrl());
            System.setProperty(SparkdConfigSourceFactory.EMBEDDED_DB_USER, database.username());
            System.setProperty(SparkdConfigSourceFactory.EMBEDDED_DB_PASSWORD_FILE, database.options().passwordFile().toString());
        }
        try {
            Quarkus.run(args);
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }
}
