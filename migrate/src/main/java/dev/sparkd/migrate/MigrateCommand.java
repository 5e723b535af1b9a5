package dev.sparkd.migrate;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

import dev.sparkd.core.config.DatabaseSettings;
import dev.sparkd.core.config.SecretRef;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.db.HostDatabase;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * {@code sparkd migrate --config FILE [DAEMON…]}: before a daemon starts, give it its schema (and, on the host's
 * embedded server, its own role and password file) and run its pending migrations. Idempotent; exit 0 when every
 * daemon's schema is current, 1 when the database refused, 2 on a configuration error.
 *
 * <p>Embedded database: waits (60 s) for the server {@code sparkd db} runs, logs in as its superuser, creates or
 * updates role {@code <schema>} with the password in {@code <state_dir>/<daemon>/db.password} (generated once,
 * 0600), then migrates as that role, so it owns its tables. External {@code [database] url}: migrates each schema as
 * the configured user.
 */
public final class MigrateCommand {

    private static final Duration SERVER_TIMEOUT = Duration.ofSeconds(60);

    private MigrateCommand() {
    }

    public static void main(String[] args) {
        CommandLine line = CommandLine.parse("migrate", args);
        try {
            for (String daemon : line.daemons()) {
                MigrateResult result = SchemaMigrator.migrate(prepareLogin(line.config(), daemon), daemon);
                System.out.println("sparkd migrate: " + daemon + " — schema " + HostDatabase.schema(daemon) + " at version "
                        + (result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion)
                        + " (" + result.migrationsExecuted + " migration(s) applied)");
            }
        } catch (SQLException | RuntimeException e) { // also Flyway's and EmbeddedPostgresException (no server)
            System.err.println("sparkd migrate: " + e.getMessage());
            System.exit(CommandLine.EXIT_FAILED);
        }
    }

    /** The login the daemon's migrations run as (and the daemon later uses), its role made ready first. */
    static Login prepareLogin(SuiteConfig config, String daemon) throws SQLException {
        DatabaseSettings db = config.database();
        if (!db.embedded()) {
            return new Login(db.jdbcUrl().orElseThrow(), db.effectiveUser(), db.password().map(SecretRef::resolve).orElse(null));
        }
        HostDatabase host = new HostDatabase(config.suite().stateDir());
        int port = host.awaitServer(SERVER_TIMEOUT);
        String superuserPassword = HostDatabase.readPassword(host.superuserPasswordFile()).orElseThrow(() ->
                new IllegalStateException(host.superuserPasswordFile() + " is missing; it is written by `sparkd db` on its first start"));
        Path passwordFile = host.passwordFile(daemon);
        String password = HostDatabase.readPassword(passwordFile).orElseGet(() -> HostDatabase.writeNewPassword(passwordFile));
        String url = HostDatabase.jdbcUrl(port);
        SchemaMigrator.ensureRoleAndSchema(new Login(url, HostDatabase.SUPERUSER, superuserPassword), daemon, password);
        return new Login(url, HostDatabase.schema(daemon), password);
    }
}
