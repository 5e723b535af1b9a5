package dev.sparkd.migrate;

import java.io.IOException;
import java.nio.file.Files;

import dev.sparkd.core.db.HostDatabase;
import dev.sparkd.core.db.SupervisedPostgres;

/**
 * {@code sparkd db --config FILE}: runs the host's one PostgreSQL in the foreground (the launcher's, or
 * {@code sparkd-postgres.service}) — data in {@code <state_dir>/postgres}, restarted with backoff when it dies,
 * stopped cleanly (fast shutdown) on SIGTERM or Ctrl-C. With {@code [database] url} there is nothing to run: it
 * says so and exits 0. Exit 1 when the server cannot be started or kept running, 2 on a configuration error.
 */
public final class DbCommand {

    private DbCommand() {
    }

    public static void main(String[] args) throws InterruptedException {
        CommandLine line = CommandLine.parse("db", args);
        if (!line.config().database().embedded()) {
            System.out.println("sparkd db: [database] url is set (" + line.config().database() + "); no local server to run");
            return;
        }
        HostDatabase host = new HostDatabase(line.config().suite().stateDir());
        SupervisedPostgres server;
        try {
            Files.createDirectories(host.stateDir());
            server = SupervisedPostgres.start(host);
        } catch (IOException | RuntimeException e) {
            System.err.println("sparkd db: cannot start PostgreSQL in " + host.stateDir() + ": " + e.getMessage());
            System.exit(CommandLine.EXIT_FAILED);
            return;
        }
        System.out.println("sparkd db: PostgreSQL ready on " + HostDatabase.reactiveUrl(server.port()) + " (pid " + server.pid()
                + ", data in " + host.stateDir().resolve("postgres") + ")");
        if (!server.awaitStopped()) {
            System.err.println("sparkd db: PostgreSQL kept failing; see " + host.stateDir().resolve("log/postgresql.log"));
            System.exit(CommandLine.EXIT_FAILED);
        }
    }
}
