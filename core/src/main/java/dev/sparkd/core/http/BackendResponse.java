package dev.sparkd.core.http;

import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.buffer.Buffer;

/**
 * A complete HTTP response from a backend.
 *
 * @param status the HTTP status code
 * @param headers the response headers
 * @param body the whole body (empty when there was none)
 */
public record BackendResponse(int status, MultiMap headers, Buffer body) {

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
