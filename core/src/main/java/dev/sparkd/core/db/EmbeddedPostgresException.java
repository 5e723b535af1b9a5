package dev.sparkd.core.db;

/**
 * The embedded PostgreSQL could not be set up, started or stopped. The message says what went wrong
 * and what to do about it (often: set {@code [database] url} to use an external PostgreSQL).
 */
public class EmbeddedPostgresException extends RuntimeException {

    public EmbeddedPostgresException(String message) {
        super(message);
    }

    public EmbeddedPostgresException(String message, Throwable cause) {
        super(message, cause);
    }
}
