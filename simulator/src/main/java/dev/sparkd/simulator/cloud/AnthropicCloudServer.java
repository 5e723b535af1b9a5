package dev.sparkd.simulator.cloud;

import static dev.sparkd.simulator.cloud.CloudSupport.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.simulator.generation.Pace;
import dev.sparkd.simulator.generation.TextGenerator;
import dev.sparkd.simulator.http.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A stand-in for api.anthropic.com's Messages API: {@code POST /v1/messages}, JSON or SSE.
 *
 * <p>Follows the Anthropic docs (docs.claude.com/en/api/messages, /en/api/errors, /en/docs/build-with-claude/streaming,
 * /en/api/rate-limits) for API version {@code 2023-06-01}: {@code x-api-key} and {@code anthropic-version} are required;
 * errors are {@code {"type":"error","error":{"type","message"},"request_id"}} with the documented statuses (400
 * invalid_request_error, 401 authentication_error, 404 not_found_error, 429 rate_limit_error, 500 api_error, 529
 * overloaded_error); a stream is named events {@code message_start → content_block_start → ping →
 * content_block_delta… → content_block_stop → message_delta → message_stop}, and an {@code error} event may arrive
 * inside a 200 stream. When the request declares {@code tools} and the last user message names one (or
 * {@code tool_choice} forces one), the answer is a {@code tool_use} block whose input streams as
 * {@code input_json_delta} fragments, with {@code stop_reason: tool_use}.
 */
public final class AnthropicCloudServer extends CloudServer {
    public static final List<String> DEFAULT_MODELS = List.of("claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1");
    public static final String API_VERSION = "2023-06-01";

    /**
     * @param vertx   the Vert.x instance to run on (the caller owns and closes it)
     * @param apiKeys keys accepted as the provider's credential
     * @param models  the models listed and accepted, or {@link #DEFAULT_MODELS} when empty
     * @param pace    time to first token and decode speed
     */
    public AnthropicCloudServer(Vertx vertx, Set<String> apiKeys, List<String> models, Pace pace) {
        super("anthropic", vertx, apiKeys, models, DEFAULT_MODELS, pace, 32 * 1024 * 1024);
    }

    @Override
    protected void routes(Router router) {
        router.post("/v1/messages").handler(this::messages);
        router.post("/v1/messages/count_tokens").handler(this::countTokens);
        router.get("/v1/models").handler(ctx -> models(ctx, null));
        router.get("/v1/models/:id").handler(ctx -> models(ctx, ctx.pathParam("id")));
        router.route().handler(ctx -> error(ctx.response(), 404, "not_found_error", "Not found"));
    }

    /** {@code http://127.0.0.1:PORT}: the base URL an Anthropic client takes (it appends {@code /v1/messages}). */
    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * List Models ({@code GET /v1/models}) and Get a Model: same key and version checks as messages;
     * {@code {data:[{type:"model", id, display_name, created_at}], has_more, first_id, last_id}}, newest first.
     */
    private void models(RoutingContext ctx, String id) {
        if (!authenticated(ctx, null, false)) {
            return;
        }
        if (id != null && !models.contains(id)) {
            reject(ctx, id, false, 404, "not_found_error", "model: " + id);
            return;
        }
        record(ctx, id, 200, false, 0, 0);
        ObjectNode out = JSON.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode data = out.putArray("data");
        Instant created = Instant.parse("2025-09-29T00:00:00Z");
        for (String m : models) {
            if (id == null || id.equals(m)) {
                data.addObject().put("type", "model").put("id", m).put("display_name", displayName(m))
                        .put("created_at", DateTimeFormatter.ISO_INSTANT.format(created));
            }
        }
        if (id != null) {
            ctx.response().putHeader("content-type", "application/json").end(Json.write((ObjectNode) data.get(0)));
            return;
        }
        out.put("has_more", false);
        out.put("first_id", models.isEmpty() ? null : models.get(0));
        out.put("last_id", models.isEmpty() ? null : models.get(models.size() - 1));
        ctx.response().putHeader("content-type", "application/json").end(Json.write(out));
    }

    /** {@code claude-sonnet-4-5} → {@code Claude Sonnet 4.5}. */
    private static String displayName(String id) {
        String[] parts = id.split("-");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            boolean number = p.chars().allMatch(Character::isDigit);
            if (i > 0) {
                b.append(number && i > 0 && parts[i - 1].chars().allMatch(Character::isDigit) ? "." : " ");
            }
            b.append(number ? p : Character.toUpperCase(p.charAt(0)) + p.substring(1));
        }
        return b.toString();
    }

    /**
     * {@code /v1/messages/count_tokens}: a Messages body without {@code max_tokens}; {@code {"input_tokens"}}, the count
     * {@code /v1/messages} would report.
     */
    private void countTokens(RoutingContext ctx) {
        JsonNode body = CloudSupport.body(ctx);
        String key = ctx.request().getHeader("x-api-key");
        if (key == null || !known(key)) {
            reject(ctx, null, false, 401, "authentication_error", key == null ? "x-api-key header is required" : "invalid x-api-key");
            return;
        }
        if (body == null || !body.path("messages").isArray() || body.path("messages").isEmpty()) {
            reject(ctx, null, false, 400, "invalid_request_error", "messages: Field required");
            return;
        }
        String model = body.path("model").asText(null);
        if (model == null || !models.contains(model)) {
            reject(ctx, model, false, 404, "not_found_error", "model: " + model);
            return;
        }
        ctx.response().putHeader("content-type", "application/json")
                .end(Json.write(JSON.createObjectNode().put("input_tokens", inputTokens(body, body.get("messages")))));
    }

    /** What a prompt costs: its words and marks, and four tokens of framing per message. */
    private static int inputTokens(JsonNode body, JsonNode messages) {
        StringBuilder all = new StringBuilder(CloudSupport.text(body.get("system")));
        for (JsonNode m : messages) {
            all.append('\n').append(CloudSupport.text(m.get("content")));
        }
        return TextGenerator.countTokens(all.toString()) + 4 * messages.size();
    }

    /** The key and version checks of every Messages and Models call, in the real API's order; false when already answered. */
    private boolean authenticated(RoutingContext ctx, String model, boolean stream) {
        String key = ctx.request().getHeader("x-api-key");
        if (key == null || key.isEmpty()) {
            reject(ctx, model, stream, 401, "authentication_error", "x-api-key header is required");
            return false;
        }
        if (!known(key)) {
            reject(ctx, model, stream, 401, "authentication_error", "invalid x-api-key");
            return false;
        }
        if (ctx.request().getHeader("anthropic-version") == null) {
            reject(ctx, model, stream, 400, "invalid_request_error", "anthropic-version: header is required");
            return false;
        }
        return true;
    }

    private void messages(RoutingContext ctx) {
        JsonNode body = CloudSupport.body(ctx);
        String model = body == null ? null : body.path("model").asText(null);
        boolean stream = body != null && body.path("stream").asBoolean(false);
        if (!authenticated(ctx, model, stream)) {
            return;
        }
        if (!limiter.tryAcquire()) {
            rateHeaders(ctx.response());
            ctx.response().putHeader("retry-after", Long.toString((limiter.millisUntilReset() + 999) / 1000));
            reject(ctx, model, stream, 429, "rate_limit_error", "This request would exceed the rate limit for your "
                    + "organization of " + limiter.limit() + " requests per minute. For details, refer to: "
                    + "https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. "
                    + "Please reduce the prompt length or the maximum tokens requested, or try again later.");
            return;
        }
        if (body == null || !body.isObject()) {
            reject(ctx, null, false, 400, "invalid_request_error", "There was an error parsing the body of your request. "
                    + "Ensure it is valid JSON.");
            return;
        }
        if (model == null) {
            reject(ctx, null, stream, 400, "invalid_request_error", "model: Field required");
            return;
        }
        if (!body.has("max_tokens")) {
            reject(ctx, model, stream, 400, "invalid_request_error", "max_tokens: Field required");
            return;
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            reject(ctx, model, stream, 400, "invalid_request_error", "messages: Field required");
            return;
        }
        if (!models.contains(model)) {
            reject(ctx, model, stream, 404, "not_found_error", "model: " + model);
            return;
        }
        switch (fault()) {
            case SERVER_ERROR -> {
                reject(ctx, model, stream, 500, "api_error", "Internal server error");
                return;
            }
            case OVERLOADED -> {
                reject(ctx, model, stream, 529, "overloaded_error", "Overloaded");
                return;
            }
            default -> { }
        }
        String prompt = "";
        for (JsonNode m : messages) {
            if ("user".equals(m.path("role").asText())) {
                prompt = CloudSupport.text(m.get("content"));
            }
        }
        int inputTokens = inputTokens(body, messages);
        int maxTokens = body.path("max_tokens").asInt();
        JsonNode tool = chosenTool(body, prompt);
        Answer answer = tool != null ? toolAnswer(tool) : textAnswer(prompt, maxTokens);
        record(ctx, model, 200, stream, inputTokens, answer.outputTokens());
        rateHeaders(ctx.response());
        String id = CloudSupport.randomId("msg_01", 22);
        if (stream) {
            stream(ctx.response(), id, model, inputTokens, answer);
        } else {
            CloudSupport.later(vertx, pace.total(answer.outputTokens()), () -> {
                ObjectNode msg = message(id, model, inputTokens, answer.outputTokens(), answer.stopReason());
                ObjectNode block = msg.putArray("content").addObject();
                if (answer.tool() != null) {
                    block.put("type", "tool_use");
                    block.put("id", answer.toolId());
                    block.put("name", answer.tool());
                    block.set("input", answer.toolInput());
                } else {
                    block.put("type", "text");
                    block.put("text", String.join("", answer.pieces()));
                }
                ctx.response().putHeader("content-type", "application/json").end(Json.write(msg));
            });
        }
    }

    /** What the model "says": text pieces (one per token) or one tool call whose JSON arrives in pieces. */
    private record Answer(List<String> pieces, String stopReason, String tool, String toolId, JsonNode toolInput) {
        int outputTokens() {
            return tool == null ? pieces.size() : pieces.size() + 8;
        }
    }

    private static Answer textAnswer(String prompt, int maxTokens) {
        List<String> tokens = TextGenerator.tokens(prompt, maxTokens);
        String stop = "length".equals(TextGenerator.finishReason(prompt, maxTokens)) ? "max_tokens" : "end_turn";
        return new Answer(tokens, stop, null, null, null);
    }

    private static Answer toolAnswer(JsonNode tool) {
        ObjectNode input = JSON.createObjectNode();
        JsonNode props = tool.path("input_schema").path("properties");
        for (JsonNode required : tool.path("input_schema").path("required")) {
            String name = required.asText();
            switch (props.path(name).path("type").asText("string")) {
                case "integer", "number" -> input.put(name, 1);
                case "boolean" -> input.put(name, true);
                case "array" -> input.putArray(name);
                case "object" -> input.putObject(name);
                default -> input.put(name, props.path(name).has("enum") ? props.path(name).get("enum").get(0).asText() : "San Francisco, CA");
            }
        }
        String text = Json.write(input);
        // Anthropic streams tool input as a few partial_json fragments that only parse once concatenated.
        List<String> pieces = new ArrayList<>();
        int step = Math.max(1, (text.length() + 2) / 3);
        for (int i = 0; i < text.length(); i += step) {
            pieces.add(text.substring(i, Math.min(text.length(), i + step)));
        }
        return new Answer(pieces, "tool_use", tool.path("name").asText(), CloudSupport.randomId("toolu_01", 22), input);
    }

    /** A declared tool the prompt names, or the one {@code tool_choice} forces; null for a plain text answer. */
    private static JsonNode chosenTool(JsonNode body, String prompt) {
        JsonNode tools = body.get("tools");
        if (tools == null || !tools.isArray() || tools.isEmpty()) {
            return null;
        }
        JsonNode choice = body.path("tool_choice");
        String type = choice.path("type").asText("auto");
        if (type.equals("none")) {
            return null;
        }
        for (JsonNode t : tools) {
            String name = t.path("name").asText();
            if (type.equals("tool") && name.equals(choice.path("name").asText())) {
                return t;
            }
            if (!type.equals("tool") && prompt.toLowerCase(Locale.ROOT).contains(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        return type.equals("any") ? tools.get(0) : null;
    }

    private void stream(HttpServerResponse r, String id, String model, int inputTokens, Answer answer) {
        r.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
        ObjectNode start = JSON.createObjectNode();
        start.put("type", "message_start");
        ObjectNode msg = message(id, model, inputTokens, 1, null);
        msg.putArray("content");
        start.set("message", msg);
        r.write(event("message_start", start));
        ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
        ObjectNode block = blockStart.putObject("content_block");
        if (answer.tool() != null) {
            block.put("type", "tool_use").put("id", answer.toolId()).put("name", answer.tool()).putObject("input");
        } else {
            block.put("type", "text").put("text", "");
        }
        r.write(event("content_block_start", blockStart));
        r.write(event("ping", JSON.createObjectNode().put("type", "ping")));
        if (answer.tool() != null) {
            r.write(delta(new ObjectNode(JSON.getNodeFactory()).put("type", "input_json_delta").put("partial_json", "")));
        }
        boolean breakMidStream = fault() == CloudFault.MID_STREAM_ERROR;
        CloudSupport.paced(vertx, pace, r, answer.pieces().size(), i -> {
            if (breakMidStream && i == Math.min(2, answer.pieces().size() - 1)) {
                ObjectNode err = JSON.createObjectNode().put("type", "error");
                err.putObject("error").put("type", "overloaded_error").put("message", "Overloaded");
                r.end(event("error", err));
                return;
            }
            String piece = answer.pieces().get(i);
            r.write(delta(answer.tool() != null
                    ? JSON.createObjectNode().put("type", "input_json_delta").put("partial_json", piece)
                    : JSON.createObjectNode().put("type", "text_delta").put("text", piece)));
        }, () -> {
            r.write(event("content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", 0)));
            ObjectNode md = JSON.createObjectNode().put("type", "message_delta");
            md.putObject("delta").put("stop_reason", answer.stopReason()).putNull("stop_sequence");
            // MessageDeltaUsage: cumulative counts, input and cache fields included
            ObjectNode usage = md.putObject("usage");
            usage.put("input_tokens", inputTokens).put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0)
                    .put("output_tokens", answer.outputTokens());
            usage.putNull("server_tool_use");
            r.write(event("message_delta", md));
            r.end(event("message_stop", JSON.createObjectNode().put("type", "message_stop")));
        });
    }

    private static String delta(ObjectNode delta) {
        ObjectNode d = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
        d.set("delta", delta);
        return event("content_block_delta", d);
    }

    private static ObjectNode message(String id, String model, int inputTokens, int outputTokens, String stopReason) {
        ObjectNode m = JSON.createObjectNode();
        m.put("id", id);
        m.put("type", "message");
        m.put("role", "assistant");
        m.put("model", model);
        m.put("stop_reason", stopReason);
        m.putNull("stop_sequence");
        ObjectNode usage = m.putObject("usage");
        usage.put("input_tokens", inputTokens);
        usage.put("cache_creation_input_tokens", 0);
        usage.put("cache_read_input_tokens", 0);
        usage.put("output_tokens", outputTokens);
        usage.put("service_tier", "standard");
        return m;
    }

    private static String event(String name, ObjectNode data) {
        return "event: " + name + "\ndata: " + Json.write(data) + "\n\n";
    }

    private void reject(RoutingContext ctx, String model, boolean stream, int status, String type, String message) {
        record(ctx, model, status, stream, 0, 0);
        error(ctx.response(), status, type, message);
    }

    private static void error(HttpServerResponse r, int status, String type, String message) {
        String requestId = CloudSupport.randomId("req_011", 21);
        ObjectNode out = JSON.createObjectNode();
        out.put("type", "error");
        out.putObject("error").put("type", type).put("message", message);
        out.put("request_id", requestId);
        r.setStatusCode(status).putHeader("content-type", "application/json").putHeader("request-id", requestId).end(Json.write(out));
    }

    private void rateHeaders(HttpServerResponse r) {
        int limit = limiter.limit() == 0 ? 4_000 : limiter.limit();
        int remaining = limiter.limit() == 0 ? 3_999 : limiter.remaining();
        String reset = DateTimeFormatter.ISO_INSTANT.format(Instant.now().plusMillis(limiter.millisUntilReset())
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        r.putHeader("request-id", CloudSupport.randomId("req_011", 21));
        r.putHeader("anthropic-ratelimit-requests-limit", Integer.toString(limit));
        r.putHeader("anthropic-ratelimit-requests-remaining", Integer.toString(remaining));
        r.putHeader("anthropic-ratelimit-requests-reset", reset);
    }

    private void record(RoutingContext ctx, String model, int status, boolean stream, int in, int out) {
        log(new CloudRequest(Instant.now(), "anthropic", ctx.request().path(), model,
                CloudRequest.keyId(ctx.request().getHeader("x-api-key")), status, stream, in, out));
    }

}
