package dev.sparkd.core.openai;

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
import dev.sparkd.core.http.SseEvent;
import dev.sparkd.core.http.UpstreamException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Reactive client for OpenAI-compatible servers (OpenAI, vLLM, llama.cpp, Ollama's {@code /v1}).
 * The base URI includes the API prefix, e.g. {@code http://spark-1:8000/v1}. Request bodies are
 * Jackson trees passed through untouched apart from {@code stream}/{@code stream_options}, so
 * server-specific fields ({@code top_k}, {@code min_p}, {@code chat_template_kwargs}) survive. The
 * optional API key is asked for per request and never appears in messages or exceptions.
 */
public final class OpenAiClient implements AutoCloseable {

    private static final ObjectMapper JSON = JsonCodec.mapper();
    /** Marks the end after {@code [DONE]} so the stream completes without waiting for the socket. */
    private static final SseEvent END = new SseEvent("sparkd-end", "", null, null);

    private final BackendHttp http;
    private final Supplier<String> apiKey;
    private final HttpTimeouts timeouts;

    /** A client without an API key and with {@link #defaultTimeouts()}. */
    public OpenAiClient(Vertx vertx, URI baseUri) {
        this(vertx, baseUri, null, defaultTimeouts());
    }

    /**
     * A client whose requests carry {@code Authorization: Bearer <key>} when {@code apiKey} is
     * non-null and returns a non-blank value.
     */
    public OpenAiClient(Vertx vertx, URI baseUri, Supplier<String> apiKey, HttpTimeouts timeouts) {
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.apiKey = apiKey;
        this.http = new BackendHttp(vertx, baseUri, timeouts.connect());
    }

    /** 5 s connect, 10 min for a whole non-streamed answer or the stream's headers, 2 min idle. */
    public static HttpTimeouts defaultTimeouts() {
        return new HttpTimeouts(Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofMinutes(2));
    }

    /** {@code GET /models}. */
    public Uni<List<ModelCard>> models() {
        BackendRequest request = authorized(BackendRequest.get("/models"));
        return callJson(request).map(node -> {
            try {
                ModelCard[] cards = JSON.treeToValue(node.path("data"), ModelCard[].class);
                return cards == null ? List.<ModelCard>of() : List.of(cards);
            } catch (JsonProcessingException e) {
                throw badResponse(request, "model list does not match the OpenAI shape: " + e.getOriginalMessage());
            }
        });
    }

    /** {@code POST /chat/completions} with {@code stream:false}: the whole response object. */
    public Uni<ObjectNode> chatCompletion(ObjectNode body) {
        return unary("/chat/completions", body);
    }

    /** {@code POST /completions} with {@code stream:false}. */
    public Uni<ObjectNode> completion(ObjectNode body) {
        return unary("/completions", body);
    }

    /** {@code POST /embeddings}. */
    public Uni<ObjectNode> embeddings(ObjectNode body) {
        return callJson(jsonPost("/embeddings", body.deepCopy(), false)).map(OpenAiClient::asObject);
    }

    /** Streams {@code POST /chat/completions}; see {@link #openChatStream(ObjectNode, boolean)}. */
    public Multi<SseEvent> streamChatCompletion(ObjectNode body) {
        return openChatStream(body, false).events();
    }

    /**
     * Prepares a streamed {@code POST /chat/completions} ({@code stream:true}; with
     * {@code includeUsage}, also {@code stream_options.include_usage:true}, which makes the server
     * send a last chunk with {@code usage} and empty {@code choices} before {@code [DONE]}).
     * Events are parsed as bytes arrive and end with the {@code [DONE]} event. An {@code error}
     * object inside the stream fails it with {@link OpenAiException}; a stream that ends without
     * {@code [DONE]} fails with {@link UpstreamException.Kind#TRUNCATED}. Cancelling closes the request.
     */
    public ChatStream openChatStream(ObjectNode body, boolean includeUsage) {
        return stream("/chat/completions", body, includeUsage);
    }

    /** Like {@link #openChatStream} for the legacy {@code POST /completions}. */
    public ChatStream openCompletionStream(ObjectNode body, boolean includeUsage) {
        return stream("/completions", body, includeUsage);
    }

    /** Closes the connection pool. */
    @Override
    public void close() {
        http.close();
    }

    private Uni<ObjectNode> unary(String path, ObjectNode body) {
        ObjectNode copy = body.deepCopy();
        copy.put("stream", false);
        // OpenAI rejects stream_options unless stream is true.
        copy.remove("stream_options");
        return callJson(jsonPost(path, copy, false)).map(OpenAiClient::asObject);
    }

    private ChatStream stream(String path, ObjectNode body, boolean includeUsage) {
        ObjectNode copy = body.deepCopy();
        copy.put("stream", true);
        if (includeUsage) {
            JsonNode existing = copy.get("stream_options");
            ObjectNode options = existing instanceof ObjectNode o ? o : copy.putObject("stream_options");
            options.put("include_usage", true);
        }
        BackendRequest request = jsonPost(path, copy, true);
        StreamTiming timing = new StreamTiming();
        Multi<SseEvent> events = http.stream(request, timeouts.response(), timeouts.idle(),
                        chunks -> frame(request, chunks, timing),
                        resp -> error(request, resp))
                .onSubscription().invoke(timing::start);
        return new ChatStream(events, timing);
    }

    /** SSE framing plus the OpenAI rules: inspect each event, stop after [DONE], fail without it. */
    private Multi<SseEvent> frame(BackendRequest request, Multi<io.vertx.mutiny.core.buffer.Buffer> chunks,
                                  StreamTiming timing) {
        AtomicBoolean done = new AtomicBoolean();
        return BodyStreams.events(chunks)
                .invoke(event -> inspect(request, event, timing))
                .onItem().transformToMultiAndConcatenate(event -> {
                    if (event.isDone()) {
                        done.set(true);
                        timing.done();
                        return Multi.createFrom().items(event, END);
                    }
                    return Multi.createFrom().item(event);
                })
                .select().first(event -> event != END)
                .onCompletion().switchTo(() -> done.get() ? Multi.createFrom().empty()
                        : Multi.createFrom().failure(new UpstreamException(UpstreamException.Kind.TRUNCATED, 200,
                                request.describe() + " to " + http.where() + ": stream ended before [DONE]", null)));
    }

    private void inspect(BackendRequest request, SseEvent event, StreamTiming timing) {
        timing.event();
        if (event.isDone()) {
            return;
        }
        JsonNode node;
        try {
            node = JSON.readTree(event.data());
        } catch (JsonProcessingException e) {
            throw badResponse(request, "stream event is not JSON: " + abbreviate(event.data()));
        }
        // nested {"error":…} or vLLM's flat {"object":"error",…} (before 0.10.1), both sent inside a 200 stream
        if ((node.has("error") && !node.get("error").isNull()) || "error".equals(node.path("object").asText())) {
            throw fromErrorBody(request, 200, node, UpstreamException.Kind.STREAM_ERROR, null);
        }
        JsonNode usage = node.get("usage");
        if (usage != null && usage.isObject()) {
            timing.usage(usage);
        }
        if (carriesToken(node)) {
            timing.token();
        }
    }

    private static boolean carriesToken(JsonNode chunk) {
        // vLLM may send the usage chunk with "choices": null, so never assume an array.
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode delta = choice.path("delta");
            if (nonEmptyText(delta.get("content")) || nonEmptyText(delta.get("reasoning_content"))
                    || nonEmptyText(delta.get("reasoning")) || nonEmptyText(choice.get("text"))) {
                return true;
            }
            JsonNode toolCalls = delta.get("tool_calls");
            if (toolCalls != null && toolCalls.isArray() && !toolCalls.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static boolean nonEmptyText(JsonNode node) {
        return node != null && node.isTextual() && !node.asText().isEmpty();
    }

    private Uni<JsonNode> callJson(BackendRequest request) {
        return http.call(request, timeouts.response()).map(resp -> {
            if (!resp.ok()) {
                throw error(request, resp);
            }
            try {
                return JSON.readTree(resp.text());
            } catch (JsonProcessingException e) {
                throw badResponse(request, "body is not JSON: " + abbreviate(resp.text()));
            }
        });
    }

    private OpenAiException error(BackendRequest request, BackendResponse resp) {
        JsonNode node = null;
        try {
            node = JSON.readTree(resp.text());
        } catch (JsonProcessingException notJson) {
            // proxies answer with HTML or plain text
        }
        return fromErrorBody(request, resp.status(), node == null ? JSON.createObjectNode().put("message", resp.text()) : node,
                UpstreamException.Kind.STATUS, retryAfter(resp));
    }

    /** Reads both the nested OpenAI error and the flat pre-0.10.1 vLLM one. */
    private OpenAiException fromErrorBody(BackendRequest request, int status, JsonNode node,
                                          UpstreamException.Kind kind, Duration retryAfter) {
        JsonNode err = node.get("error");
        JsonNode source = err != null && err.isObject() ? err : node;
        String message = text(source.get("message"));
        if (message == null && err != null && err.isTextual()) {
            message = err.asText();
        }
        String secret = apiKey == null ? null : apiKey.get();
        message = UpstreamException.redact(message, secret);
        String shown = message == null ? "" : ": " + abbreviate(message);
        String prefix = request.describe() + " to " + http.where() + ": ";
        String what = kind == UpstreamException.Kind.STREAM_ERROR ? "error inside the stream" : "HTTP " + status;
        return new OpenAiException(kind, status, prefix + what + shown, message,
                UpstreamException.redact(text(source.get("type")), secret),
                UpstreamException.redact(text(source.get("param")), secret),
                UpstreamException.redact(text(source.get("code")), secret),
                retryAfter);
    }

    private static Duration retryAfter(BackendResponse resp) {
        String ms = resp.header("retry-after-ms");
        String seconds = resp.header("Retry-After");
        try {
            if (ms != null) {
                return Duration.ofMillis((long) Double.parseDouble(ms.strip()));
            }
            if (seconds != null) {
                return Duration.ofMillis((long) (Double.parseDouble(seconds.strip()) * 1000));
            }
        } catch (NumberFormatException httpDate) {
            // an HTTP-date Retry-After is legal but rare here; treat as absent
        }
        return null;
    }

    private BackendRequest jsonPost(String path, ObjectNode body, boolean stream) {
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request body cannot be written as JSON", e);
        }
        BackendRequest request = BackendRequest.json(HttpMethod.POST, path, json)
                .withHeader("Accept", stream ? "text/event-stream" : "application/json");
        return authorized(request);
    }

    private BackendRequest authorized(BackendRequest request) {
        String key = apiKey == null ? null : apiKey.get();
        return key == null || key.isBlank() ? request : request.withHeader("Authorization", "Bearer " + key);
    }

    private UpstreamException badResponse(BackendRequest request, String detail) {
        return new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, 200,
                request.describe() + " to " + http.where() + ": " + detail, null);
    }

    private static ObjectNode asObject(JsonNode node) {
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, 200, "response is not a JSON object", null);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "…" : s;
    }
}
