package dev.sparkd.router.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkd.router.keys.ApiKey;
import io.vertx.core.buffer.Buffer;

/**
 * An admitted request as the proxy hands it to an {@link Exchange}.
 *
 * @param t0             arrival ({@link System#nanoTime})
 * @param route          the route (the model the caller named)
 * @param body           the parsed body (for an upload: its form fields); the exchange sets {@code model} per target
 * @param promptEstimate prompt tokens guessed from the body size, for budget reservations
 * @param forward        what goes upstream as the client sent it, or null
 */
record ProxyRequest(Endpoint endpoint, String requestId, long t0, ApiKey key, String route, ObjectNode body, boolean stream,
        boolean clientWantsUsage, long promptEstimate, Forward forward) {

    /**
     * Client bytes and headers passed on: a multipart upload ({@code raw} with its {@code contentType}), and Anthropic's
     * {@code anthropic-beta} for Anthropic targets.
     */
    record Forward(String contentType, Buffer raw, String anthropicBeta) {
    }

    static ProxyRequest of(Endpoint endpoint, String requestId, long t0, ApiKey key, String route, ObjectNode body, boolean stream,
            int bodyBytes) {
        return of(endpoint, requestId, t0, key, route, body, stream, bodyBytes, null);
    }

    static ProxyRequest of(Endpoint endpoint, String requestId, long t0, ApiKey key, String route, ObjectNode body, boolean stream,
            int bodyBytes, Forward forward) {
        // an Anthropic stream always reports usage: the translation asks upstream for it itself
        boolean wantsUsage = endpoint.anthropicClient() || body.path("stream_options").path("include_usage").asBoolean(false);
        return new ProxyRequest(endpoint, requestId, t0, key, route, body, stream, wantsUsage, bodyBytes / 4 + 16, forward);
    }

    /** The ledger's and the access log's name for the endpoint. */
    String endpointName() {
        return endpoint.ledgerName();
    }
}
