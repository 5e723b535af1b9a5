package dev.sparkd.core.config;

import java.net.URI;
import java.util.Optional;

/**
 * {@code [database]}: an external PostgreSQL when {@code url} is set; otherwise each daemon runs an embedded one under
 * its state directory.
 *
 * @param url       {@code postgresql://user@host:port/database}, without a password
 * @param user      overrides the URL's user
 * @param password  by reference only
 */
public record DatabaseSettings(Optional<URI> url, Optional<String> user, Optional<SecretRef> password) {
    public static final DatabaseSettings EMBEDDED = new DatabaseSettings(Optional.empty(), Optional.empty(), Optional.empty());

    public boolean embedded() {
        return url.isEmpty();
    }

    /** The user to log in as: {@code user}, else the URL's, else {@code sparkd}. */
    public String effectiveUser() {
        return user.or(() -> url.map(URI::getUserInfo)).filter(u -> !u.isEmpty()).orElse("sparkd");
    }

    /** {@code postgresql://host:port/db?…} for the Vert.x reactive client (user and password are passed apart). */
    public Optional<String> reactiveUrl() {
        return url.map(u -> "postgresql://" + hostPort(u) + u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
    }

    /** {@code jdbc:postgresql://host:port/db?…} for Flyway's migrations. */
    public Optional<String> jdbcUrl() {
        return reactiveUrl().map(r -> "jdbc:" + r);
    }

    private static String hostPort(URI u) {
        String host = u.getHost() != null && u.getHost().contains(":") && !u.getHost().startsWith("[") ? "[" + u.getHost() + "]" : u.getHost();
        return host + (u.getPort() > 0 ? ":" + u.getPort() : "");
    }

    @Override
    public String toString() {
        return embedded() ? "embedded" : "postgresql://" + effectiveUser() + "@" + hostPort(url.get()) + url.get().getRawPath();
    }
}
