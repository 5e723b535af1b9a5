package dev.sparkd.core.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Time limits for one kind of backend call.
 *
 * @param connect how long establishing the TCP (and TLS) connection may take
 * @param response for a plain call the whole exchange; for a stream the wait for the response headers
 * @param idle for a stream the longest silence allowed between two items (lines, events)
 */
public record HttpTimeouts(Duration connect, Duration response, Duration idle) {

    /** Validates that every limit is positive. */
    public HttpTimeouts {
        requirePositive(connect, "connect");
        requirePositive(response, "response");
        requirePositive(idle, "idle");
    }

    /** Limits that suit quick management calls on a LAN: 5 s connect, 30 s response, 60 s idle. */
    public static HttpTimeouts defaults() {
        return new HttpTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    /** A copy with another response limit. */
    public HttpTimeouts withResponse(Duration value) {
        return new HttpTimeouts(connect, value, idle);
    }

    /** A copy with another idle limit. */
    public HttpTimeouts withIdle(Duration value) {
        return new HttpTimeouts(connect, response, value);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " timeout must be positive, was " + d);
        }
    }
}
