package dev.sparkd.doctor;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.DatabaseSettings;
import dev.sparkd.core.config.SecretRef;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.db.EmbeddedPostgresException;
import dev.sparkd.core.db.HostDatabase;
import dev.sparkd.migrate.Login;

/**
 * The database: the host's embedded server answers and each daemon's role logs in with its password file (what the
 * daemon itself does at start), or the external {@code [database] url} accepts the configured login.
 */
final class DatabaseCheck {
    private static final Duration WAIT = Duration.ofSeconds(3);

    private DatabaseCheck() {
    }

    static List<Check> run(SuiteConfig config, Path file) {
        DatabaseSettings db = config.database();
        if (!db.embedded()) {
            return List.of(external(db, file));
        }
        HostDatabase host = new HostDatabase(config.suite().stateDir());
        int port;
        try {
            port = host.awaitServer(WAIT);
        } catch (EmbeddedPostgresException e) {
            return List.of(Check.problem("database", e.getMessage().replaceFirst(";.*", ""),
                    "start the host's PostgreSQL: ./sparkd db --config " + file + " (systemd: sparkd-postgres.service)"));
        }
        List<Check> checks = new ArrayList<>();
        List<String> roles = new ArrayList<>();
        String version = "";
        for (String daemon : ConfigLoader.DAEMON_SECTIONS.values().stream().sorted().toList()) {
            String role = HostDatabase.schema(daemon);
            Path passwordFile = host.passwordFile(daemon);
            Optional<String> password;
            try {
                password = HostDatabase.readPassword(passwordFile);
            } catch (RuntimeException e) {
                checks.add(Check.problem("database role " + role, "cannot read " + passwordFile + ": " + e.getMessage(),
                        "run the doctor as the user the daemons run as (or root)"));
                continue;
            }
            if (password.isEmpty()) {
                checks.add(Check.problem("database role " + role, "no password file " + passwordFile + " (the role was never created)",
                        "./sparkd migrate --config " + file + " " + daemon));
                continue;
            }
            try (Connection c = new Login(HostDatabase.jdbcUrl(port), role, password.get()).connect(WAIT)) {
                version = serverVersion(c);
                roles.add(role);
            } catch (SQLException e) {
                checks.add(Check.problem("database role " + role, "login refused: " + e.getMessage(),
                        "./sparkd migrate --config " + file + " " + daemon + " (resets the role's password from " + passwordFile + ")"));
            }
        }
        if (checks.isEmpty()) {
            checks.add(Check.ok("database", "PostgreSQL " + version + " at " + HostDatabase.jdbcUrl(port).replaceFirst("^jdbc:", "")
                    + "; roles " + String.join(", ", roles) + " log in"));
        }
        return checks;
    }

    private static Check external(DatabaseSettings db, Path file) {
        String password;
        try {
            password = db.password().map(SecretRef::resolve).orElse(null);
        } catch (IllegalStateException e) {
            return Check.problem("database", e.getMessage(), "make [database] password_file readable by this user, or set the variable");
        }
        try (Connection c = new Login(db.jdbcUrl().orElseThrow(), db.effectiveUser(), password).connect(WAIT)) {
            return Check.ok("database", "PostgreSQL " + serverVersion(c) + " at " + db + " accepts " + db.effectiveUser());
        } catch (SQLException e) {
            return Check.problem("database", "cannot log in to " + db + ": " + e.getMessage(),
                    "check that the server runs and [database] url, user and password_file in " + file + " match it");
        }
    }

    private static String serverVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW server_version")) {
            return r.next() ? r.getString(1).replaceFirst(" .*", "") : "";
        }
    }
}
