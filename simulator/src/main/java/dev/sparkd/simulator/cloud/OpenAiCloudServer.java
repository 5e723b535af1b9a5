package dev.sparkd.simulator.cloud;

import static dev.sparkd.simulator.cloud.CloudSupport.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.simulator.generation.Pace;
import dev.sparkd.simulator.generation.TextGenerator;
import dev.sparkd.simulator.http.Json;
import dev.sparkd.simulator.http.PacedStream;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * A stand-in for api.openai.com: {@code POST /v1/chat/completions} (JSON and SSE), {@code POST /v1/embeddings},
 * {@code GET /v1/models}, behind bearer-key auth, an optional requests-per-minute limit and a fault switch.
 *
 * <p>Shapes follow the OpenAI API reference (platform.openai.com/docs/api-reference, chat/create, chat/streaming,
 * embeddings/create, models/list; error codes guide) and the official SDK types (openai/openai-node
 * {@code src/resources/chat/completions/completions.ts}): errors are {@code {"error":{"message","type","param","code"}}};
 * a stream is {@code data: <chunk>} events, the first delta carrying {@code role}, the last content chunk carrying
 * {@code finish_reason}, then — only with {@code stream_options.include_usage} — a chunk with {@code "choices":[]} and
 * the usage (earlier chunks then carry {@code "usage":null}), then {@code data: [DONE]}. Rate-limited requests answer 429
 * {@code rate_limit_exceeded} with the {@code x-ratelimit-*} headers and {@code retry-after}.
 *
 * <p>Text is {@link TextGenerator}'s, timing is the given {@link Pace}; every request is logged as a
 * {@link CloudRequest}.
 */
public final class OpenAiCloudServer extends CloudServer {
    public static final List<String> DEFAULT_MODELS = List.of("gpt-4.1-mini", "gpt-4.1", "gpt-4o-mini",
            "text-embedding-3-small", "text-embedding-3-large");
    private static final int TOKENS_PER_MINUTE = 200_000;

    /**
     * @param vertx   the Vert.x instance to run on (the caller owns and closes it)
     * @param apiKeys keys accepted as the provider's credential
     * @param models  the models listed and accepted, or {@link #DEFAULT_MODELS} when empty
     * @param pace    time to first token and decode speed
     */
    public OpenAiCloudServer(Vertx vertx, Set<String> apiKeys, List<String> models, Pace pace) {
        super("openai", vertx, apiKeys, models, DEFAULT_MODELS, pace, 16 * 1024 * 1024);
    }

    @Override
    protected void routes(Router router) {
        router.post("/v1/chat/completions").handler(this::chat);
        router.post("/v1/embeddings").handler(this::embeddings);
        router.get("/v1/models").handler(this::models);
        router.route().handler(ctx -> error(ctx, 404, "Invalid URL (" + ctx.request().method() + " " + ctx.request().path() + ")",
                "invalid_request_error", null, null));
    }

    /** {@code http://127.0.0.1:PORT/v1}: what an OpenAI client takes as its base URL. */
    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    // ---- handlers ----

    private void chat(RoutingContext ctx) {
        JsonNode body = admit(ctx);
        if (body == null) {
            return;
        }
        String model = body.path("model").asText(null);
        boolean stream = body.path("stream").asBoolean(false);
        JsonNode messages = body.get("messages");
        if (model == null) {
            reject(ctx, null, stream, 400, "you must provide a model parameter", "invalid_request_error", null, null);
            return;
        }
        if (messages == null || !messages.isArray()) {
            reject(ctx, model, stream, 400, "Missing required parameter: 'messages'.", "invalid_request_error", "messages",
                    "missing_required_parameter");
            return;
        }
        if (!models.contains(model)) {
            reject(ctx, model, stream, 404, "The model `" + model + "` does not exist or you do not have access to it.",
                    "invalid_request_error", null, "model_not_found");
            return;
        }
        if (serverFault(ctx, model, stream)) {
            return;
        }
        StringBuilder all = new StringBuilder();
        String prompt = "";
        for (JsonNode m : messages) {
            String t = CloudSupport.text(m.get("content"));
            all.append(t).append('\n');
            if ("user".equals(m.path("role").asText())) {
                prompt = t;
            }
        }
        // Each message costs a few tokens of framing on top of its text (OpenAI's cookbook counts ~3-4).
        int inputTokens = TextGenerator.countTokens(all.toString()) + 3 * messages.size() + 3;
        int maxTokens = body.has("max_completion_tokens") ? body.get("max_completion_tokens").asInt()
                : body.path("max_tokens").asInt(0);
        List<String> tokens = TextGenerator.tokens(prompt, maxTokens);
        String finish = TextGenerator.finishReason(prompt, maxTokens);
        String id = CloudSupport.randomId("chatcmpl-", 29);
        long created = Instant.now().getEpochSecond();
        String fingerprint = "fp_" + shortHash(model);
        record(ctx, model, 200, stream, inputTokens, tokens.size());
        rateHeaders(ctx.response());
        if (!stream) {
            CloudSupport.later(vertx, pace.total(tokens.size()), () -> {
                ObjectNode out = Json.openAiObject(id, "chat.completion", created, model);
                ObjectNode choice = out.putArray("choices").addObject();
                choice.put("index", 0);
                ObjectNode message = choice.putObject("message");
                message.put("role", "assistant");
                message.put("content", CloudSupport.joined(tokens));
                message.putNull("refusal");
                message.putArray("annotations");
                choice.putNull("logprobs");
                choice.put("finish_reason", finish);
                out.set("usage", usage(inputTokens, tokens.size()));
                out.put("service_tier", "default");
                out.put("system_fingerprint", fingerprint);
                ctx.response().putHeader("content-type", "application/json").end(Json.write(out));
            });
            return;
        }
        boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        HttpServerResponse response = ctx.response();
        response.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
        response.write(PacedStream.sseData(chunk(id, created, model, fingerprint, role(), null, includeUsage)));
        boolean breakMidStream = fault() == CloudFault.MID_STREAM_ERROR;
        CloudSupport.paced(vertx, pace, response, tokens.size(), i -> {
            if (breakMidStream && i == Math.min(2, tokens.size() - 1)) {
                // OpenAI reports an error inside an established stream as a data event with the error object, then
                // ends the stream without [DONE].
                response.end(PacedStream.sseData(errorBody("The server had an error while processing your request. Sorry about that!",
                        "server_error", null, null)));
                return;
            }
            ObjectNode delta = JSON.createObjectNode().put("content", tokens.get(i));
            response.write(PacedStream.sseData(chunk(id, created, model, fingerprint, delta, null, includeUsage)));
        }, () -> {
            response.write(PacedStream.sseData(chunk(id, created, model, fingerprint, JSON.createObjectNode(), finish, includeUsage)));
            if (includeUsage) {
                ObjectNode last = chunkBase(id, created, model, fingerprint);
                last.putArray("choices");
                last.set("usage", usage(inputTokens, tokens.size()));
                response.write(PacedStream.sseData(last));
            }
            response.end("data: [DONE]\n\n");
        });
    }

    private void embeddings(RoutingContext ctx) {
        JsonNode body = admit(ctx);
        if (body == null) {
            return;
        }
        String model = body.path("model").asText(null);
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            reject(ctx, model, false, 400, "Missing required parameter: 'input'.", "invalid_request_error", "input",
                    "missing_required_parameter");
            return;
        }
        if (model == null || !models.contains(model) || !model.startsWith("text-embedding")) {
            reject(ctx, model, false, 404, "The model `" + model + "` does not exist or you do not have access to it.",
                    "invalid_request_error", null, "model_not_found");
            return;
        }
        if (serverFault(ctx, model, false)) {
            return;
        }
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.textValue());
        } else if (input.isArray() && input.size() > 0 && input.get(0).isNumber()) {
            texts.add(input.toString()); // one pre-tokenised input
        } else {
            input.forEach(e -> texts.add(e.isTextual() ? e.textValue() : e.toString()));
        }
        int dims = body.has("dimensions") ? body.get("dimensions").asInt() : model.endsWith("large") ? 3072 : 1536;
        boolean base64 = "base64".equals(body.path("encoding_format").asText("float"));
        ObjectNode out = JSON.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        int tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            float[] v = TextGenerator.embedding(texts.get(i), dims);
            tokens += TextGenerator.countTokens(texts.get(i));
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (base64) {
                ByteBuffer buf = ByteBuffer.allocate(4 * dims).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) {
                    buf.putFloat(f);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(buf.array()));
            } else {
                ArrayNode arr = item.putArray("embedding");
                for (float f : v) {
                    arr.add(f);
                }
            }
        }
        out.put("model", model);
        out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        record(ctx, model, 200, false, tokens, 0);
        rateHeaders(ctx.response());
        CloudSupport.later(vertx, pace.timeToFirstToken(), () ->
                ctx.response().putHeader("content-type", "application/json").end(Json.write(out)));
    }

    private void models(RoutingContext ctx) {
        if (!authorized(ctx, null, false)) {
            return;
        }
        record(ctx, null, 200, false, 0, 0);
        ObjectNode out = JSON.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (String m : models) {
            data.addObject().put("id", m).put("object", "model").put("created", 1_715_367_049L).put("owned_by", "system");
        }
        ctx.response().putHeader("content-type", "application/json").end(Json.write(out));
    }

    // ---- checks ----

    /** Auth, rate limit and JSON parsing, in the order the real API applies them; null when already answered. */
    private JsonNode admit(RoutingContext ctx) {
        JsonNode body = CloudSupport.body(ctx);
        String model = body == null ? null : body.path("model").asText(null);
        boolean stream = body != null && body.path("stream").asBoolean(false);
        if (!authorized(ctx, model, stream)) {
            return null;
        }
        if (body == null || !body.isObject()) {
            reject(ctx, null, false, 400, "We could not parse the JSON body of your request. (HINT: This likely means you "
                    + "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was "
                    + "not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help "
                    + "center at help.openai.com.)", "invalid_request_error", null, null);
            return null;
        }
        return body;
    }

    private boolean authorized(RoutingContext ctx, String model, boolean stream) {
        String key = bearerKey(ctx);
        if (key == null || key.isEmpty()) {
            reject(ctx, model, stream, 401, "You didn't provide an API key. You need to provide your API key in an "
                    + "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field "
                    + "(with blank username) if you're accessing the API from your browser and are prompted for a username. "
                    + "You can obtain an API key from https://platform.openai.com/account/api-keys.",
                    "invalid_request_error", null, null);
            return false;
        }
        if (!known(key)) {
            reject(ctx, model, stream, 401, "Incorrect API key provided: " + mask(key) + ". You can find your API key at "
                    + "https://platform.openai.com/account/api-keys.", "invalid_request_error", null, "invalid_api_key");
            return false;
        }
        if (!limiter.tryAcquire()) {
            long reset = limiter.millisUntilReset();
            rateHeaders(ctx.response());
            ctx.response().putHeader("retry-after", Long.toString((reset + 999) / 1000));
            reject(ctx, model, stream, 429, "Rate limit reached for " + (model == null ? "requests" : model)
                    + " in organization org-sparkdsimulator on requests per min (RPM): Limit " + limiter.limit() + ", Used "
                    + limiter.limit() + ", Requested 1. Please try again in " + CloudSupport.goDuration(reset)
                    + ". Visit https://platform.openai.com/account/rate-limits to learn more.", "requests", null,
                    "rate_limit_exceeded");
            return false;
        }
        return true;
    }

    private boolean serverFault(RoutingContext ctx, String model, boolean stream) {
        switch (fault()) {
            case SERVER_ERROR -> reject(ctx, model, stream, 500,
                    "The server had an error while processing your request. Sorry about that!", "server_error", null, null);
            case OVERLOADED -> reject(ctx, model, stream, 503,
                    "The engine is currently overloaded, please try again later", "server_error", null, null);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void reject(RoutingContext ctx, String model, boolean stream, int status, String message, String type,
                        String param, String code) {
        record(ctx, model, status, stream, 0, 0);
        error(ctx, status, message, type, param, code);
    }

    private static void error(RoutingContext ctx, int status, String message, String type, String param, String code) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                .putHeader("x-request-id", CloudSupport.randomId("req_", 32)).end(Json.write(errorBody(message, type, param, code)));
    }

    static ObjectNode errorBody(String message, String type, String param, String code) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode e = out.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.put("param", param);
        e.put("code", code);
        return out;
    }

    // ---- helpers ----

    private void rateHeaders(HttpServerResponse r) {
        int limit = limiter.limit() == 0 ? 10_000 : limiter.limit();
        int remaining = limiter.limit() == 0 ? 9_999 : limiter.remaining();
        r.putHeader("x-request-id", CloudSupport.randomId("req_", 32));
        r.putHeader("openai-version", "2020-10-01");
        r.putHeader("openai-organization", "org-sparkdsimulator");
        r.putHeader("x-ratelimit-limit-requests", Integer.toString(limit));
        r.putHeader("x-ratelimit-remaining-requests", Integer.toString(remaining));
        r.putHeader("x-ratelimit-reset-requests", CloudSupport.goDuration(limiter.millisUntilReset()));
        r.putHeader("x-ratelimit-limit-tokens", Integer.toString(TOKENS_PER_MINUTE));
        r.putHeader("x-ratelimit-remaining-tokens", Integer.toString(TOKENS_PER_MINUTE));
        r.putHeader("x-ratelimit-reset-tokens", "0s");
    }

    private static ObjectNode role() {
        ObjectNode d = JSON.createObjectNode();
        d.put("role", "assistant");
        d.put("content", "");
        d.putNull("refusal");
        return d;
    }

    private static ObjectNode chunkBase(String id, long created, String model, String fingerprint) {
        ObjectNode c = Json.openAiObject(id, "chat.completion.chunk", created, model);
        c.put("service_tier", "default");
        c.put("system_fingerprint", fingerprint);
        return c;
    }

    private static ObjectNode chunk(String id, long created, String model, String fingerprint, ObjectNode delta,
                                    String finish, boolean includeUsage) {
        ObjectNode c = chunkBase(id, created, model, fingerprint);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finish);
        if (includeUsage) {
            c.putNull("usage");
        }
        return c;
    }

    private static ObjectNode usage(int prompt, int completion) {
        ObjectNode u = Json.openAiUsage(prompt, completion);
        u.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
        u.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
        return u;
    }

    private void record(RoutingContext ctx, String model, int status, boolean stream, int in, int out) {
        log(new CloudRequest(Instant.now(), "openai", ctx.request().path(), model, CloudRequest.keyId(bearerKey(ctx)), status,
                stream, in, out));
    }

    /** The key of an {@code Authorization: Bearer KEY} header, or null. */
    private static String bearerKey(RoutingContext ctx) {
        String header = ctx.request().getHeader("authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }

    /** How OpenAI echoes a wrong key: its start and its last four characters, the middle starred out. */
    private static String mask(String key) {
        if (key.length() <= 8) {
            return "*".repeat(key.length());
        }
        return key.substring(0, 3) + "*".repeat(Math.min(40, key.length() - 7)) + key.substring(key.length() - 4);
    }

    private static String shortHash(String s) {
        return Integer.toHexString(s.hashCode() & 0xfffffff);
    }
}
