package dev.sparkd.core.ollama;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.core.http.BackendHttp;
import dev.sparkd.core.http.BackendRequest;
import dev.sparkd.core.http.BackendResponse;
import dev.sparkd.core.http.BodyStreams;
import dev.sparkd.core.http.HttpTimeouts;
import dev.sparkd.core.http.JsonCodec;
import dev.sparkd.core.http.UpstreamException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reactive client for Ollama's native API (ollama/ollama {@code docs/api.md}, {@code api/types.go}).
 * Every call has a time limit; streams (pull, generate, chat) are parsed line by line as bytes
 * arrive, and cancelling a stream closes the HTTP request, which makes Ollama stop the work.
 */
public final class OllamaClient implements AutoCloseable {

    private static final ObjectMapper JSON = JsonCodec.mapper();

    private final BackendHttp http;
    private final OllamaSettings settings;

    /** A client for the Ollama server at {@code baseUri} (e.g. {@code http://192.168.1.50:11434}). */
    public OllamaClient(Vertx vertx, URI baseUri) {
        this(vertx, baseUri, OllamaSettings.defaults());
    }

    /** A client with explicit time limits. */
    public OllamaClient(Vertx vertx, URI baseUri, OllamaSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = new BackendHttp(vertx, baseUri, settings.management().connect());
    }

    /** {@code GET /}: the liveness text, {@code "Ollama is running"}. */
    public Uni<String> ping() {
        BackendRequest request = BackendRequest.get("/");
        return http.call(request, settings.management().response())
                .map(resp -> {
                    if (!resp.ok()) {
                        throw error(request, resp, null);
                    }
                    return resp.text().strip();
                });
    }

    /** {@code GET /api/version}: the server version string. */
    public Uni<String> version() {
        return callJson(BackendRequest.get("/api/version"), null, settings.management())
                .map(node -> node.path("version").asText(null))
                .invoke(v -> {
                    if (v == null) {
                        throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, 200,
                                "GET /api/version to " + http.where() + ": no version field", null);
                    }
                });
    }

    /** {@code GET /api/tags}: installed models. */
    public Uni<List<LocalModel>> tags() {
        return callJson(BackendRequest.get("/api/tags"), null, settings.management())
                .map(node -> read(node.path("models"), LocalModel[].class))
                .map(models -> models == null ? List.of() : List.of(models));
    }

    /** {@code GET /api/ps}: models loaded in memory. */
    public Uni<List<RunningModel>> ps() {
        BackendRequest request = BackendRequest.get("/api/ps");
        return http.call(request, settings.management().response()).map(resp -> {
            if (!resp.ok()) {
                throw error(request, resp, null);
            }
            try {
                return OllamaPs.parse(resp.body().getBytes());
            } catch (IOException e) {
                throw badResponse(request, "body is not a model list: " + abbreviate(resp.text()));
            }
        });
    }

    /** {@code POST /api/show}: details of one model; fails with {@link OllamaModelNotFoundException} on 404. */
    public Uni<ModelInfo> show(String name) {
        BackendRequest request = jsonRequest(HttpMethod.POST, "/api/show", Map.of("model", name));
        return callJson(request, name, settings.management()).map(node -> read(node, ModelInfo.class));
    }

    /** {@code POST /api/copy}: a second name for the same blobs (cheap, usable as a rollback tag). */
    public Uni<Void> copy(String source, String destination) {
        BackendRequest request = jsonRequest(HttpMethod.POST, "/api/copy",
                Map.of("source", source, "destination", destination));
        return callOk(request, source);
    }

    /** {@code DELETE /api/delete}: removes a model; fails with {@link OllamaModelNotFoundException} on 404. */
    public Uni<Void> delete(String name) {
        return callOk(jsonRequest(HttpMethod.DELETE, "/api/delete", Map.of("model", name)), name);
    }

    /**
     * {@code POST /api/pull} as a stream of progress lines. An {@code {"error":…}} line (sent with
     * HTTP 200 once streaming started) fails the stream with an {@link OllamaException} carrying
     * Ollama's text. Silence longer than {@link OllamaSettings#pullIdle()} fails it with a timeout.
     * Cancelling closes the connection, which cancels the pull on the server (partial downloads are
     * kept and resumed by the next pull).
     */
    public Multi<PullProgress> pull(String name) {
        BackendRequest request = jsonRequest(HttpMethod.POST, "/api/pull", Map.of("model", name, "stream", true))
                .withHeader("Accept", "application/x-ndjson");
        return ndjson(request, name, settings.management().response(), settings.pullIdle(), PullProgress.class);
    }

    /** {@code POST /api/generate} with {@code stream:false}: the whole answer with its timings. */
    public Uni<GenerateResponse> generate(GenerateRequest body) {
        return infer("/api/generate", body, body.model(), GenerateResponse.class);
    }

    /** {@code POST /api/generate} streamed: fragments, then a final object with {@code done} and timings. */
    public Multi<GenerateResponse> generateStream(GenerateRequest body) {
        return inferStream("/api/generate", body, body.model(), GenerateResponse.class);
    }

    /** {@code POST /api/chat} with {@code stream:false}: the whole answer with its timings. */
    public Uni<ChatResponse> chat(ChatRequest body) {
        return infer("/api/chat", body, body.model(), ChatResponse.class);
    }

    /** {@code POST /api/chat} streamed: message fragments, then a final object with {@code done} and timings. */
    public Multi<ChatResponse> chatStream(ChatRequest body) {
        return inferStream("/api/chat", body, body.model(), ChatResponse.class);
    }

    /** An inference call with {@code stream:false}, under the inference timeouts. */
    private <T> Uni<T> infer(String path, Object body, String model, Class<T> type) {
        BackendRequest request = jsonRequest(HttpMethod.POST, path, withStream(body, false));
        return callJson(request, model, settings.inference()).map(node -> read(node, type));
    }

    /** An inference call streamed as NDJSON, under the inference timeouts. */
    private <T> Multi<T> inferStream(String path, Object body, String model, Class<T> type) {
        BackendRequest request = jsonRequest(HttpMethod.POST, path, withStream(body, true))
                .withHeader("Accept", "application/x-ndjson");
        return ndjson(request, model, settings.inference().response(), settings.inference().idle(), type);
    }

    /** Closes the underlying connection pool. */
    @Override
    public void close() {
        http.close();
    }

    private <T> Multi<T> ndjson(BackendRequest request, String model, java.time.Duration headers,
                                java.time.Duration idle, Class<T> type) {
        return http.stream(request, headers, idle,
                body -> BodyStreams.lines(body).map(line -> parseLine(request, line, type)),
                resp -> error(request, resp, model));
    }

    private <T> T parseLine(BackendRequest request, String line, Class<T> type) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw badResponse(request, "stream line is not JSON: " + abbreviate(line));
        }
        JsonNode error = node.get("error");
        if (error != null && !error.isNull()) {
            String text = error.isTextual() ? error.asText() : error.toString();
            throw new OllamaException(UpstreamException.Kind.STREAM_ERROR, 200,
                    request.describe() + " to " + http.where() + ": Ollama reported: " + text, text);
        }
        return read(node, type);
    }

    private Uni<JsonNode> callJson(BackendRequest request, String model, HttpTimeouts limits) {
        return http.call(request, limits.response()).map(resp -> {
            if (!resp.ok()) {
                throw error(request, resp, model);
            }
            try {
                return JSON.readTree(resp.text());
            } catch (JsonProcessingException e) {
                throw badResponse(request, "body is not JSON: " + abbreviate(resp.text()));
            }
        });
    }

    private Uni<Void> callOk(BackendRequest request, String model) {
        return http.call(request, settings.management().response()).map(resp -> {
            if (!resp.ok()) {
                throw error(request, resp, model);
            }
            return null;
        });
    }

    /** Turns a non-2xx answer into an exception carrying Ollama's {@code {"error":"…"}} text. */
    private OllamaException error(BackendRequest request, BackendResponse resp, String model) {
        String text = resp.text();
        String upstream = text.strip();
        try {
            JsonNode node = JSON.readTree(text);
            if (node != null && node.hasNonNull("error")) {
                upstream = node.get("error").asText();
            }
        } catch (JsonProcessingException notJson) {
            // keep the raw text (e.g. gin's "404 page not found")
        }
        String message = request.describe() + " to " + http.where() + ": HTTP " + resp.status()
                + (upstream.isEmpty() ? "" : ": " + abbreviate(upstream));
        if (resp.status() == 404 && model != null) {
            return new OllamaModelNotFoundException(model, message, upstream);
        }
        return new OllamaException(UpstreamException.Kind.STATUS, resp.status(), message, upstream);
    }

    private <T> T read(JsonNode node, Class<T> type) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        try {
            return JSON.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, 200,
                    "response from " + http.where() + " does not match " + type.getSimpleName() + ": "
                            + e.getOriginalMessage(), null, e);
        }
    }

    private UpstreamException badResponse(BackendRequest request, String detail) {
        return new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, 200,
                request.describe() + " to " + http.where() + ": " + detail, null);
    }

    private static ObjectNode withStream(Object body, boolean stream) {
        ObjectNode node = JSON.valueToTree(body);
        node.put("stream", stream);
        return node;
    }

    private static BackendRequest jsonRequest(HttpMethod method, String path, Object body) {
        try {
            return BackendRequest.json(method, path, JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request body cannot be written as JSON", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "…" : s;
    }
}
