package dev.sparkd.migrate;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;

/**
 * How to log in to PostgreSQL over JDBC. {@link #toString()} never shows the password.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/db}
 */
public record Login(String jdbcUrl, String user, String password) {

    /** Server still starting (crash recovery) or not listening yet: worth another try. */
    private static final Set<String> TRANSIENT = Set.of("57P03", "08001", "08006", "08004");

    /**
     * Connects, retrying while the server is starting or not yet listening, until {@code timeout}; wrong
     * credentials fail at once.
     */
    public Connection connect(Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return DriverManager.getConnection(jdbcUrl, user, password);
            } catch (SQLException e) {
                if (!TRANSIENT.contains(e.getSQLState()) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while connecting to " + jdbcUrl, "08001", e);
            }
        }
    }

    @Override
    public String toString() {
        return user + "@" + jdbcUrl;
    }
}
