package dev.sparkd.daemon.boot;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/** Which daemon this is and what it was started with (set by {@link DaemonMain}, or by tests). */
@ConfigMapping(prefix = "sparkd")
public interface DaemonConfig {
    /** The daemon's name, e.g. {@code router}; fixed in each daemon's application.properties. */
    String daemon();

    /** Absolute path of sparkd.toml. */
    String config();

    /** This daemon's state directory, {@code <[suite] state_dir>/<daemon>} (mapped from the file). */
    @WithName("state-dir")
    Optional<String> stateDir();

    /** {@code url}, {@code user}, {@code password-file} of the embedded PostgreSQL, when {@link DaemonMain} started one. */
    @WithName("embedded-db")
    Map<String, String> embeddedDb();

    /** The HTTP server's idle limits ({@code IdleLimits}). */
    Http http();

    /** {@code sparkd.http.*}: defaults in daemon-core's microprofile-config.properties, documented in operations.md. */
    interface Http {
        /** A connection silent this long while none of its requests is being handled is closed. */
        @WithName("header-timeout")
        Duration headerTimeout();

        /** A connection silent this long while a request of it is in flight is closed. */
        @WithName("request-idle-timeout")
        Duration requestIdleTimeout();
    }
}
