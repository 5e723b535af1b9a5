package dev.sparkd.router.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkd.router.keys.ApiKey;

/**
 * An admitted request as the proxy hands it to an {@link Exchange}.
 *
 * @param t0             arrival ({@link System#nanoTime})
 * @param route          the route (the model the caller named)
 * @param body           the parsed body; the exchange sets {@code model} per target
 * @param promptEstimate prompt tokens guessed from the body size, for budget reservations
 */
record ProxyRequest(Endpoint endpoint, String requestId, long t0, ApiKey key, String route, ObjectNode body, boolean stream,
        boolean clientWantsUsage, long promptEstimate) {

    static ProxyRequest of(Endpoint endpoint, String requestId, long t0, ApiKey key, String route, ObjectNode body, boolean stream,
            int bodyBytes) {
        boolean wantsUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        return new ProxyRequest(endpoint, requestId, t0, key, route, body, stream, wantsUsage, bodyBytes / 4 + 16);
    }

    /** The ledger's and the access log's name for the endpoint. */
    String endpointName() {
        return endpoint.ledgerName();
    }
}
