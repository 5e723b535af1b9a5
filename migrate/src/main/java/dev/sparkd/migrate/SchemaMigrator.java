package dev.sparkd.migrate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Pattern;

import dev.sparkd.core.db.HostDatabase;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Gives a daemon its schema and runs its versioned migrations into it. The scripts of daemon {@code router} are
 * {@code classpath:db/router/V…__….sql}, after the tables every daemon shares ({@code classpath:db/sparkd}, in
 * daemon-core), so all daemons' scripts can sit on one class path.
 */
public final class SchemaMigrator {

    /** Shared by every daemon, each in its own schema ({@code daemon_start}). */
    static final String SHARED_LOCATION = "classpath:db/sparkd";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
    /** Role and schema names are made from daemon names; nothing else reaches SQL unquoted. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    /** Generated passwords are URL-safe base64: no quote can end the literal. */
    private static final Pattern PASSWORD = Pattern.compile("[A-Za-z0-9_-]{16,128}");

    private SchemaMigrator() {
    }

    /** Where daemon {@code daemon}'s own scripts live. */
    public static String location(String daemon) {
        return "classpath:db/" + daemon;
    }

    /**
     * As a role that may create roles (the embedded server's superuser): makes sure the daemon's role exists with
     * {@code password} and owns the daemon's schema, and that the role finds its tables without a schema prefix.
     */
    public static void ensureRoleAndSchema(Login admin, String daemon, String password) throws SQLException {
        String name = identifier(HostDatabase.schema(daemon));
        if (!PASSWORD.matcher(password).matches()) {
            throw new IllegalArgumentException("the password of role " + name + " must be 16-128 letters, digits, '-' or '_'");
        }
        try (Connection c = admin.connect(CONNECT_TIMEOUT); Statement s = c.createStatement()) {
            boolean exists;
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
                q.setString(1, name);
                try (ResultSet rs = q.executeQuery()) {
                    exists = rs.next();
                }
            }
            s.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + name + " LOGIN PASSWORD '" + password + "'");
            s.execute("ALTER ROLE " + name + " SET search_path = " + name);
            s.execute("CREATE SCHEMA IF NOT EXISTS " + name + " AUTHORIZATION " + name);
            s.execute("ALTER SCHEMA " + name + " OWNER TO " + name);
        }
    }

    /**
     * Runs the daemon's pending migrations into its schema, logged in as {@code login} (the daemon's own role, so
     * it owns its tables). Creates the schema when it is missing and {@code login} may (an external database).
     */
    public static MigrateResult migrate(Login login, String daemon) throws SQLException {
        String schema = identifier(HostDatabase.schema(daemon));
        login.connect(CONNECT_TIMEOUT).close(); // waits out a server that is still starting, with a clear error
        return Flyway.configure(SchemaMigrator.class.getClassLoader())
                .dataSource(login.jdbcUrl(), login.user(), login.password())
                .schemas(schema)
                .defaultSchema(schema)
                .locations(SHARED_LOCATION, location(daemon))
                .failOnMissingLocations(true)
                .validateMigrationNaming(true)
                .load()
                .migrate();
    }

    private static String identifier(String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("not a daemon name usable as a schema: " + name);
        }
        return name;
    }
}
