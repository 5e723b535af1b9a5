package dev.sparkd.core.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request to a backend, relative to the backend's base URI.
 *
 * @param method the HTTP method
 * @param path path below the base URI, starting with {@code /}; empty for the base URI itself
 * @param headers extra request headers (may carry secrets: never log them)
 * @param body the request body, or {@code null} for none
 */
public record BackendRequest(HttpMethod method, String path, Map<String, String> headers, Buffer body) {

    /** Validates the path and freezes the headers. */
    public BackendRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        if (!path.isEmpty() && !path.startsWith("/")) {
            throw new IllegalArgumentException("path must be empty or start with '/': " + path);
        }
        headers = Map.copyOf(headers == null ? Map.of() : headers);
    }

    /** A GET without extra headers. */
    public static BackendRequest get(String path) {
        return new BackendRequest(HttpMethod.GET, path, Map.of(), null);
    }

    /** A request whose body is the given JSON text. */
    public static BackendRequest json(HttpMethod method, String path, String json) {
        return new BackendRequest(method, path, Map.of("Content-Type", "application/json"), Buffer.buffer(json));
    }

    /** A copy with one more header. */
    public BackendRequest withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new BackendRequest(method, path, copy, body);
    }

    /** Method and path, for error messages (never headers or body). */
    public String describe() {
        return method.name() + " " + path;
    }

    /** Header names only: values may be bearer keys and must not reach logs. */
    @Override
    public String toString() {
        return "BackendRequest[" + describe() + ", headers=" + headers.keySet() + "]";
    }
}
