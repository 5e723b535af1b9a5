package dev.sparkd.core.http;

import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;

/**
 * A complete HTTP response from a backend.
 *
 * @param status the HTTP status code
 * @param headers the response headers
 * @param body the whole body (empty when there was none)
 * @param elapsed time from sending the request to the body's last byte (null when not measured)
 * @param certificateExpiry when the server's TLS certificate expires (null for plain HTTP)
 */
public record BackendResponse(int status, MultiMap headers, Buffer body, Duration elapsed, Instant certificateExpiry) {

    /** A response without timing or certificate. */
    public BackendResponse(int status, MultiMap headers, Buffer body) {
        this(status, headers, body, null, null);
    }

    /** Whether the status is 2xx. */
    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The body decoded as UTF-8. */
    public String text() {
        return body == null ? "" : body.toString();
    }

    /** A header value, or {@code null}. */
    public String header(String name) {
        return headers == null ? null : headers.get(name);
    }
}
