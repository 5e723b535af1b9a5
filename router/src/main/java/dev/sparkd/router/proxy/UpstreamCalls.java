package dev.sparkd.router.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkd.router.target.Target;
import dev.sparkd.router.target.Upstream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/** How a request is put to a target's upstream, and how an upstream's error answer reads as an OpenAI error. */
final class UpstreamCalls {
    private UpstreamCalls() {
    }

    static RequestOptions options(Target t, ProxyRequest req) {
        Upstream u = t.upstream();
        boolean anthropic = u.anthropic();
        Endpoint endpoint = req.endpoint();
        String uri;
        if (anthropic) {
            uri = u.path(endpoint == Endpoint.COUNT_TOKENS ? "/messages/count_tokens" : "/messages");
        } else if (endpoint == Endpoint.COUNT_TOKENS) {
            String api = u.path("");
            uri = api.substring(0, api.length() - 3) + endpoint.path(); // vLLM's /tokenize sits beside /v1
        } else {
            uri = u.path(endpoint.path());
        }
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost(u.host()).setPort(u.port()).setURI(uri);
        o.putHeader(HttpHeaders.CONTENT_TYPE, endpoint.rawRequest() ? req.forward().contentType() : "application/json");
        if (!endpoint.rawResponse()) {
            o.putHeader(HttpHeaders.ACCEPT, req.stream() ? "text/event-stream" : "application/json");
        }
        String apiKey = u.apiKey();
        if (anthropic) {
            o.putHeader("x-api-key", apiKey == null ? "" : apiKey);
            o.putHeader("anthropic-version", "2023-06-01");
            if (req.forward() != null && req.forward().anthropicBeta() != null) {
                o.putHeader("anthropic-beta", req.forward().anthropicBeta());
            }
        } else if (apiKey != null) {
            o.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
        }
        o.putHeader("X-Request-Id", req.requestId());
        return o;
    }

    /** An upstream error body in whatever shape (OpenAI nested, vLLM flat, Anthropic) as an OpenAI error. */
    static OpenAiError error(Target t, int status, Buffer b, ObjectMapper mapper) {
        String message = null;
        String type = status == 429 ? "rate_limit_error" : status >= 500 ? "upstream_error" : "invalid_request_error";
        String code = null;
        String param = null;
        try {
            JsonNode root = mapper.readTree(b.getBytes());
            JsonNode err = root.has("error") && root.get("error").isObject() ? root.get("error") : root;
            message = err.path("message").asText(null);
            if (message == null && root.path("error").isTextual()) {
                message = root.path("error").asText();
            }
            if (err.hasNonNull("type")) {
                type = err.get("type").asText();
            }
            if (err.hasNonNull("code")) {
                code = err.get("code").asText();
            }
            if (err.hasNonNull("param")) {
                param = err.get("param").asText();
            }
        } catch (Exception e) {
            // not JSON
        }
        if (message == null) {
            String text = b.length() > 300 ? b.getString(0, 300) : b.toString();
            message = t.service() + " answered HTTP " + status + (text.isBlank() ? "" : ": " + text);
        }
        String apiKey = null;
        try {
            apiKey = t.upstream().apiKey();
        } catch (RuntimeException e) {
            // unreadable key: nothing to redact
        }
        if (apiKey != null && !apiKey.isEmpty()) {
            message = message.replace(apiKey, "[redacted]");
        }
        return new OpenAiError(status, type, code, param, message, t.service());
    }
}
