package dev.sparkd.simulator.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import dev.sparkd.simulator.config.OllamaModelSpec;
import dev.sparkd.simulator.fault.FaultSet;
import dev.sparkd.simulator.generation.Thinking;
import dev.sparkd.simulator.generation.Pace;
import dev.sparkd.simulator.generation.TextGenerator;
import dev.sparkd.simulator.http.ChatRequest;
import dev.sparkd.simulator.http.Json;
import dev.sparkd.simulator.http.PacedStream;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Ollama's inference endpoints: {@code /api/generate}, {@code /api/chat}, {@code /api/embed}, {@code /api/embeddings}
 * (ollama/ollama {@code server/routes.go}, {@code api/types.go}) and the OpenAI-compatible {@code /v1/chat/completions}
 * and {@code /v1/embeddings} ({@code openai/openai.go}, {@code middleware/openai.go}). Streams are NDJSON
 * ({@code application/x-ndjson}) on the native API and SSE on /v1; each use loads the model and sets its keep-alive.
 */
final class OllamaInference {
    private enum Style {
        GENERATE, CHAT, OPENAI, COMPLETION;

        boolean openAi() {
            return this == OPENAI || this == COMPLETION;
        }
    }

    private final Vertx vertx;
    private final FaultSet faults;
    private final ModelStore store;
    private final LoadedModels loaded;
    private final Duration defaultKeepAlive;

    OllamaInference(Vertx vertx, FaultSet faults, ModelStore store, LoadedModels loaded, Duration defaultKeepAlive) {
        this.vertx = vertx;
        this.faults = faults;
        this.store = store;
        this.loaded = loaded;
        this.defaultKeepAlive = defaultKeepAlive;
    }

    void generate(RoutingContext ctx) {
        ObjectNode body = Json.parseObject(ctx.body().asString());
        if (body == null) {
            OllamaServer.gin(ctx, 400, OllamaJson.error("missing request body"));
            return;
        }
        run(ctx, body, Style.GENERATE, body.path("prompt").asText(""), TextGenerator.countTokens(body.path("prompt").asText("")));
    }

    void chat(RoutingContext ctx) {
        ObjectNode body = Json.parseObject(ctx.body().asString());
        if (body == null) {
            OllamaServer.gin(ctx, 400, OllamaJson.error("missing request body"));
            return;
        }
        ChatRequest req = ChatRequest.chat(body.has("messages") ? body : body.deepCopy().<ObjectNode>set("messages", Json.array()));
        run(ctx, body, Style.CHAT, body.path("messages").isEmpty() ? "" : req.prompt(), req.promptTokens());
    }

    void openAiChat(RoutingContext ctx) {
        openAi(ctx, Style.OPENAI, ChatRequest::chat, "[] is too short - 'messages'");
    }

    /** {@code /v1/completions} (openai/openai.go CompletionRequest, middleware/openai.go CompletionsMiddleware). */
    void openAiCompletion(RoutingContext ctx) {
        openAi(ctx, Style.COMPLETION, ChatRequest::completion, "prompt is required");
    }

    /** Ollama's OpenAI middleware: a body that is not JSON or that {@code parse} rejects is a 400 with {@code invalid}. */
    private void openAi(RoutingContext ctx, Style style, Function<ObjectNode, ChatRequest> parse, String invalid) {
        ObjectNode body = Json.parseObject(ctx.body().asString());
        if (body == null) {
            OllamaServer.gin(ctx, 400, OllamaJson.openAiError(400, "invalid request body"));
            return;
        }
        ChatRequest req;
        try {
            req = parse.apply(body);
        } catch (IllegalArgumentException e) {
            OllamaServer.gin(ctx, 400, OllamaJson.openAiError(400, invalid));
            return;
        }
        if (style == Style.OPENAI && req.body().path("messages").isEmpty()) {
            OllamaServer.gin(ctx, 400, OllamaJson.openAiError(400, invalid));
            return;
        }
        run(ctx, body, style, req.prompt(), req.promptTokens());
    }

    private void run(RoutingContext ctx, ObjectNode body, Style style, String prompt, int promptTokens) {
        String name = body.path("model").asText("");
        Optional<LocalModel> model = name.isBlank() ? Optional.empty() : store.find(name);
        if (model.isEmpty()) {
            fail(ctx, style, 404, "model '" + name + "' not found");
            return;
        }
        if (model.get().spec().embeddingOnly()) {
            fail(ctx, style, 400, "\"" + name + "\" does not support " + (style == Style.GENERATE ? "generate" : "chat"));
            return;
        }
        JsonNode think = style.openAi() ? openAiThink(body) : body.get("think");
        if (asksToThink(think) && !model.get().spec().thinking()) {
            // routes.go: think on a model without the thinking capability
            fail(ctx, style, 400, "\"" + name + "\" does not support thinking");
            return;
        }
        Thinking.Effort effort = effort(model.get().spec(), think);
        Duration keepAlive;
        try {
            keepAlive = KeepAlive.parse(body.get("keep_alive"), defaultKeepAlive);
        } catch (IllegalArgumentException e) {
            fail(ctx, style, 400, e.getMessage());
            return;
        }
        boolean unloadRequest = prompt.isEmpty() && keepAlive.isZero() && !style.openAi();
        if (unloadRequest) {
            loaded.unload(model.get().name());
            OllamaServer.gin(ctx, 200, doneOnly(style, name, "unload"));
            return;
        }
        int numCtx = body.path("options").path("num_ctx").asInt(4096);
        long started = System.nanoTime();
        loaded.ensureLoaded(model.get(), numCtx).onComplete(ar -> {
            if (ctx.response().closed()) {
                return;
            }
            Duration loadDuration = ar.succeeded() ? ar.result() : Duration.ZERO;
            if (prompt.isEmpty() && !style.openAi()) {
                loaded.touch(model.get().name(), keepAlive);
                OllamaServer.gin(ctx, 200, doneOnly(style, name, "load"));
                return;
            }
            int maxTokens = style.openAi()
                    ? (style == Style.COMPLETION ? ChatRequest.completion(body) : ChatRequest.chat(body)).maxTokens()
                    : body.path("options").path("num_predict").asInt(0);
            Thinking generated = Thinking.of(prompt, effort, maxTokens);
            Answer answer = new Answer(name, model.get().spec().pace(), generated.thinking(), generated.answer(),
                    generated.reason(), promptTokens, loadDuration, started);
            Runnable release = () -> loaded.touch(model.get().name(), keepAlive);
            boolean stream = style.openAi() ? body.path("stream").asBoolean(false) : body.path("stream").asBoolean(true);
            if (stream) {
                stream(ctx, style, answer, body.path("stream_options").path("include_usage").asBoolean(false), release);
            } else {
                whole(ctx, style, answer, release);
            }
        });
    }

    /** What one request generates and how long each part takes. */
    private record Answer(String model, Pace pace, List<String> thinking, List<String> tokens, String reason, int promptTokens,
                          Duration load, long startedNanos) {
        long evalNanos() {
            return pace.interTokenDelay().multipliedBy(Math.max(1, evalCount())).toNanos();
        }

        /** Thinking tokens count as generated tokens (eval_count, completion_tokens) and against num_predict. */
        int evalCount() {
            return thinking.size() + tokens.size();
        }
    }

    /**
     * The effort a request gets (routes.go GenerateHandler/ChatHandler): a model with the thinking capability thinks
     * when {@code think} is absent; {@code false} turns it off except on gpt-oss, which only takes an effort.
     */
    private static Thinking.Effort effort(OllamaModelSpec spec, JsonNode think) {
        if (!spec.thinking()) {
            return Thinking.Effort.OFF;
        }
        if (think == null || think.isNull() || (think.isBoolean() && think.asBoolean())) {
            return Thinking.Effort.DEFAULT;
        }
        if (think.isBoolean()) {
            return spec.thinkingAlwaysOn() ? Thinking.Effort.DEFAULT : Thinking.Effort.OFF;
        }
        return "low".equals(think.asText()) ? Thinking.Effort.LOW : Thinking.Effort.DEFAULT;
    }

    private static boolean asksToThink(JsonNode think) {
        return think != null && ((think.isBoolean() && think.asBoolean()) || (think.isTextual() && !think.asText().isEmpty()));
    }

    /** middleware/openai.go: {@code reasoning_effort} (or {@code reasoning.effort}) becomes {@code think}; "none" is off. */
    private static JsonNode openAiThink(ObjectNode body) {
        JsonNode effort = body.has("reasoning_effort") ? body.get("reasoning_effort") : body.path("reasoning").get("effort");
        if (effort == null || effort.isNull()) {
            return null;
        }
        return "none".equals(effort.asText()) ? BooleanNode.FALSE : effort;
    }

    private void stream(RoutingContext ctx, Style style, Answer a, boolean includeUsage, Runnable release) {
        List<PacedStream.Frame> frames = new ArrayList<>();
        String id = "chatcmpl-" + ThreadLocalRandom.current().nextInt(999);
        long created = Instant.now().getEpochSecond();
        for (int i = 0; i < a.thinking().size(); i++) {
            Duration delay = i == 0 ? a.pace().timeToFirstToken() : a.pace().interTokenDelay();
            String token = a.thinking().get(i);
            String text = switch (style) {
                case GENERATE -> Json.write(generateLine(a.model(), "", false).put("thinking", token)) + "\n";
                case CHAT -> {
                    ObjectNode line = chatLine(a.model(), "", false);
                    ((ObjectNode) line.get("message")).put("thinking", token);
                    yield Json.write(line) + "\n";
                }
                case OPENAI, COMPLETION -> {
                    ObjectNode chunk = openAiChunk(id, created, a.model(), i == 0, null, null);
                    ((ObjectNode) chunk.path("choices").path(0).path("delta")).put("reasoning", token);
                    yield PacedStream.sseData(shape(style, chunk));
                }
            };
            frames.add(new PacedStream.Frame(text, delay, null));
        }
        for (int i = 0; i < a.tokens().size(); i++) {
            Duration delay = i == 0 && a.thinking().isEmpty() ? a.pace().timeToFirstToken() : a.pace().interTokenDelay();
            String token = a.tokens().get(i);
            String text = switch (style) {
                case GENERATE -> Json.write(generateLine(a.model(), token, false)) + "\n";
                case CHAT -> Json.write(chatLine(a.model(), token, false)) + "\n";
                case OPENAI, COMPLETION -> PacedStream.sseData(shape(style, openAiChunk(id, created, a.model(),
                        i == 0 && a.thinking().isEmpty(), token, null)));
            };
            frames.add(new PacedStream.Frame(text, delay, null));
        }
        switch (style) {
            case GENERATE -> frames.add(PacedStream.Frame.now(Json.write(withMetrics(generateLine(a.model(), "", true), a)) + "\n"));
            case CHAT -> frames.add(PacedStream.Frame.now(Json.write(withMetrics(chatLine(a.model(), "", true), a)) + "\n"));
            case OPENAI, COMPLETION -> {
                ObjectNode finish = shape(style, openAiChunk(id, created, a.model(), false, null, a.reason()));
                frames.add(PacedStream.Frame.now(PacedStream.sseData(finish)));
                if (includeUsage) {
                    finish.putArray("choices");
                    finish.set("usage", Json.openAiUsage(a.promptTokens(), a.evalCount()));
                    frames.add(PacedStream.Frame.now(PacedStream.sseData(finish)));
                }
                frames.add(PacedStream.Frame.now("data: [DONE]\n\n"));
            }
        }
        ctx.response().setStatusCode(200).setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE,
                style.openAi() ? "text/event-stream" : "application/x-ndjson");
        new PacedStream(vertx, ctx, faults, frames, release, release).onStreamError(message -> streamErrorTail(style, message)).start();
    }

    private void whole(RoutingContext ctx, Style style, Answer a, Runnable release) {
        long ms = a.pace().total(a.evalCount()).toMillis();
        long timer = vertx.setTimer(Math.max(1, ms), id -> {
            release.run();
            String text = String.join("", a.tokens());
            String thinking = String.join("", a.thinking());
            ObjectNode out = switch (style) {
                case GENERATE -> {
                    ObjectNode o = generateLine(a.model(), text, true);
                    if (!thinking.isEmpty()) {
                        o.put("thinking", thinking);
                    }
                    yield withMetrics(o, a);
                }
                case CHAT -> {
                    ObjectNode o = chatLine(a.model(), text, true);
                    if (!thinking.isEmpty()) {
                        ((ObjectNode) o.get("message")).put("thinking", thinking);
                    }
                    yield withMetrics(o, a);
                }
                case OPENAI, COMPLETION -> {
                    ObjectNode o = openAiCompletion(a, text);
                    if (!thinking.isEmpty()) {
                        ((ObjectNode) o.path("choices").path(0).path("message")).put("reasoning", thinking);
                    }
                    yield shape(style, o);
                }
            };
            OllamaServer.gin(ctx, 200, out);
        });
        ctx.response().closeHandler(v -> {
            vertx.cancelTimer(timer);
            release.run();
        });
    }

    /**
     * {@code /v1/completions} answers in the {@code text_completion} shape (openai/openai.go ToCompletion,
     * ToCompleteChunk): {@code choices[].text} instead of a message or delta; the reasoning is not part of it.
     */
    private static ObjectNode shape(Style style, ObjectNode chat) {
        if (style != Style.COMPLETION) {
            return chat;
        }
        chat.put("id", chat.path("id").asText().replace("chatcmpl-", "cmpl-"));
        chat.put("object", "text_completion");
        for (JsonNode c : chat.path("choices")) {
            ObjectNode choice = (ObjectNode) c;
            JsonNode part = choice.has("delta") ? choice.remove("delta") : choice.remove("message");
            choice.put("text", part == null ? "" : part.path("content").asText(""));
            choice.remove("finish_reason");
            choice.set("finish_reason", c.get("finish_reason"));
        }
        return chat;
    }

    /**
     * An error after the stream started: routes.go streamResponse writes an {@code {"error":…}} NDJSON line and ends;
     * on /v1 the OpenAI middleware writes it as a {@code data:} event (no {@code [DONE]} follows).
     */
    private static List<String> streamErrorTail(Style style, String message) {
        if (style.openAi()) {
            return List.of(PacedStream.sseData(OllamaJson.openAiError(500, message)));
        }
        return List.of(Json.write(OllamaJson.error(message)) + "\n");
    }

    private ObjectNode generateLine(String model, String response, boolean done) {
        ObjectNode o = Json.object();
        o.put("model", model);
        o.put("created_at", Json.goTime(Instant.now()));
        o.put("response", response);
        o.put("done", done);
        return o;
    }

    private ObjectNode chatLine(String model, String content, boolean done) {
        ObjectNode o = Json.object();
        o.put("model", model);
        o.put("created_at", Json.goTime(Instant.now()));
        ObjectNode m = o.putObject("message");
        m.put("role", "assistant");
        m.put("content", content);
        o.put("done", done);
        return o;
    }

    private ObjectNode doneOnly(Style style, String model, String reason) {
        ObjectNode o = style == Style.CHAT ? chatLine(model, "", true) : generateLine(model, "", true);
        o.put("done_reason", reason);
        return o;
    }

    /** The final line's timings (api/types.go Metrics), all in nanoseconds. */
    private ObjectNode withMetrics(ObjectNode o, Answer a) {
        o.put("done_reason", a.reason());
        if (o.has("response")) {
            ArrayNode context = o.putArray("context");
            for (int i = 0; i < a.promptTokens() + a.tokens().size(); i++) {
                context.add(128000 + Math.floorMod((a.model() + i).hashCode(), 2000));
            }
        }
        o.put("total_duration", System.nanoTime() - a.startedNanos());
        if (!a.load().isZero()) {
            o.put("load_duration", a.load().toNanos());
        }
        o.put("prompt_eval_count", a.promptTokens());
        o.put("prompt_eval_duration", Math.max(1, a.pace().timeToFirstToken().toNanos()));
        o.put("eval_count", a.evalCount());
        o.put("eval_duration", Math.max(1, a.evalNanos()));
        return o;
    }

    private ObjectNode openAiChunk(String id, long created, String model, boolean first, String content, String finishReason) {
        ObjectNode o = Json.openAiObject(id, "chat.completion.chunk", created, model);
        o.put("system_fingerprint", "fp_ollama");
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (first) {
            delta.put("role", "assistant");
        }
        if (content != null && !content.isEmpty()) {
            delta.put("content", content);
        }
        choice.put("finish_reason", finishReason);
        return o;
    }

    private ObjectNode openAiCompletion(Answer a, String text) {
        ObjectNode o = Json.openAiObject("chatcmpl-" + ThreadLocalRandom.current().nextInt(999), "chat.completion",
                Instant.now().getEpochSecond(), a.model());
        o.put("system_fingerprint", "fp_ollama");
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode m = choice.putObject("message");
        m.put("role", "assistant");
        m.put("content", text);
        choice.put("finish_reason", a.reason());
        o.set("usage", Json.openAiUsage(a.promptTokens(), a.evalCount()));
        return o;
    }

    private static void fail(RoutingContext ctx, Style style, int status, String message) {
        OllamaServer.gin(ctx, status, style.openAi() ? OllamaJson.openAiError(status, message) : OllamaJson.error(message));
    }

    void embed(RoutingContext ctx) {
        embeddings(ctx, "native");
    }

    void legacyEmbeddings(RoutingContext ctx) {
        embeddings(ctx, "legacy");
    }

    void openAiEmbeddings(RoutingContext ctx) {
        embeddings(ctx, "openai");
    }

    private void embeddings(RoutingContext ctx, String flavour) {
        boolean openAi = flavour.equals("openai");
        ObjectNode body = Json.parseObject(ctx.body().asString());
        if (body == null) {
            OllamaServer.gin(ctx, 400, openAi ? OllamaJson.openAiError(400, "invalid input") : OllamaJson.error("missing request body"));
            return;
        }
        String name = body.path("model").asText("");
        Optional<LocalModel> model = store.find(name);
        if (model.isEmpty()) {
            OllamaServer.gin(ctx, 404, openAi ? OllamaJson.openAiError(404, "model '" + name + "' not found")
                    : OllamaJson.error("model '" + name + "' not found"));
            return;
        }
        List<String> inputs = new ArrayList<>();
        JsonNode input = flavour.equals("legacy") ? body.get("prompt") : body.get("input");
        if (input != null && input.isArray()) {
            input.forEach(n -> inputs.add(n.asText()));
        } else if (input != null) {
            inputs.add(input.asText());
        }
        Duration keepAlive;
        try {
            keepAlive = KeepAlive.parse(body.get("keep_alive"), defaultKeepAlive);
        } catch (IllegalArgumentException e) {
            OllamaServer.gin(ctx, 400, openAi ? OllamaJson.openAiError(400, e.getMessage()) : OllamaJson.error(e.getMessage()));
            return;
        }
        long started = System.nanoTime();
        int dims = body.path("dimensions").asInt(model.get().spec().embeddingLength());
        loaded.ensureLoaded(model.get(), 2048).onComplete(ar -> {
            loaded.touch(model.get().name(), keepAlive);
            int tokens = inputs.stream().mapToInt(TextGenerator::countTokens).sum();
            ObjectNode out = Json.object();
            switch (flavour) {
                case "legacy" -> vector(out.putArray("embedding"), TextGenerator.embedding(inputs.isEmpty() ? "" : inputs.get(0), dims));
                case "openai" -> {
                    out.put("object", "list");
                    ArrayNode data = out.putArray("data");
                    for (int i = 0; i < inputs.size(); i++) {
                        ObjectNode d = data.addObject();
                        d.put("object", "embedding");
                        vector(d.putArray("embedding"), TextGenerator.embedding(inputs.get(i), dims));
                        d.put("index", i);
                    }
                    out.put("model", name);
                    ObjectNode u = out.putObject("usage");
                    u.put("prompt_tokens", tokens);
                    u.put("total_tokens", tokens);
                }
                default -> {
                    out.put("model", name);
                    ArrayNode all = out.putArray("embeddings");
                    inputs.forEach(text -> vector(all.addArray(), TextGenerator.embedding(text, dims)));
                    out.put("total_duration", System.nanoTime() - started);
                    if (ar.succeeded() && !ar.result().isZero()) {
                        out.put("load_duration", ar.result().toNanos());
                    }
                    out.put("prompt_eval_count", tokens);
                }
            }
            OllamaServer.gin(ctx, 200, out);
        });
    }

    private static void vector(ArrayNode target, float[] v) {
        for (float f : v) {
            target.add(f);
        }
    }
}
