package dev.sparkd.simulator.llamacpp;

import static dev.sparkd.simulator.http.PacedStream.sseData;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.simulator.config.LlamaCppSettings;
import dev.sparkd.simulator.config.ServiceKind;
import dev.sparkd.simulator.generation.Relevance;
import dev.sparkd.simulator.generation.TextGenerator;
import dev.sparkd.simulator.http.ChatRequest;
import dev.sparkd.simulator.http.Json;
import dev.sparkd.simulator.http.PacedStream;
import dev.sparkd.simulator.http.RequestSlots;
import dev.sparkd.simulator.http.SimulatedService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * A simulated {@code llama-server} (ggml-org/llama.cpp {@code tools/server}, README and server.cpp): listens at once,
 * answers 503 "Loading model" to everything while loading, then serves {@code --parallel} slots; requests beyond them
 * are deferred, which {@code /metrics} and {@code /slots} show.
 */
public final class LlamaCppServer extends SimulatedService {
    private final LlamaCppSettings settings;
    private final RequestSlots queue;
    private final LlamaCppMetrics metrics = new LlamaCppMetrics();
    private final int[] slotTask;
    private final int[] slotDecoded;
    private final int[] slotLastTask;
    private final long startedAt = System.currentTimeMillis() / 1000;
    private int nextTask;

    public LlamaCppServer(Vertx vertx, String name, String host, String bind, int port, LlamaCppSettings settings) {
        super(vertx, name, ServiceKind.LLAMACPP, host, bind, port);
        this.settings = settings;
        this.queue = new RequestSlots(vertx, settings.parallel());
        this.slotTask = new int[Math.max(1, settings.parallel())];
        this.slotDecoded = new int[slotTask.length];
        this.slotLastTask = new int[slotTask.length];
        java.util.Arrays.fill(slotTask, -1);
        java.util.Arrays.fill(slotLastTask, -1);
    }

    public LlamaCppSettings settings() {
        return settings;
    }

    @Override
    protected boolean closesPortWhileLoading() {
        return false;
    }

    @Override
    protected void routes(Router r) {
        r.get("/health").handler(this::health);
        r.get("/v1/health").handler(this::health);
        r.get("/metrics").handler(this::metrics);
        r.get("/slots").handler(this::slots);
        r.get("/props").handler(this::props);
        r.get("/models").handler(this::models);
        r.get("/v1/models").handler(this::models);
        r.post("/v1/chat/completions").handler(this::chat);
        r.post("/chat/completions").handler(this::chat);
        // server.cpp: /completion and /completions are the native endpoint, /v1/completions the OpenAI-compatible one
        r.post("/v1/completions").handler(ctx -> completion(ctx, Flavour.OAI_COMPLETION));
        r.post("/completions").handler(ctx -> completion(ctx, Flavour.NATIVE));
        r.post("/completion").handler(ctx -> completion(ctx, Flavour.NATIVE));
        r.post("/v1/embeddings").handler(this::embeddings);
        r.post("/embeddings").handler(this::embeddings);
        // server.cpp registers the reranking handler under all four names
        for (String path : List.of("/rerank", "/reranking", "/v1/rerank", "/v1/reranking")) {
            r.post(path).handler(this::rerank);
        }
        r.route().last().handler(ctx -> sendError(ctx, 404, "File Not Found"));
    }

    /** llama.cpp's {@code format_error_response}: {@code {"error":{"code","message","type"}}}. */
    @Override
    protected void sendError(RoutingContext ctx, int status, String message) {
        ObjectNode info = Json.object();
        info.put("code", status);
        info.put("message", message);
        info.put("type", switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 501 -> "not_supported_error";
            case 503 -> "unavailable_error";
            default -> "server_error";
        });
        ObjectNode e = Json.object();
        e.set("error", info);
        json(ctx, status, e);
    }

    private void health(RoutingContext ctx) {
        ObjectNode ok = Json.object();
        ok.put("status", "ok");
        json(ctx, 200, ok);
    }

    private void metrics(RoutingContext ctx) {
        if (!settings.metrics()) {
            sendError(ctx, 501, "This server does not support metrics endpoint. Start it with `--metrics`");
            return;
        }
        ctx.response().putHeader("Process-Start-Time-Unix", Long.toString(startedAt))
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4")
                .end(metrics.render(queue.running(), queue.waiting()));
    }

    private synchronized void slots(RoutingContext ctx) {
        if (ctx.request().getParam("fail_on_no_slot") != null && queue.running() >= queue.capacity()) {
            sendError(ctx, 503, "no slot available");
            return;
        }
        ArrayNode out = Json.array();
        for (int i = 0; i < slotTask.length; i++) {
            boolean busy = slotTask[i] >= 0;
            ObjectNode s = out.addObject();
            s.put("id", i);
            s.put("n_ctx", settings.ctxSize());
            s.put("speculative", false);
            s.put("is_processing", busy);
            if (slotLastTask[i] < 0) {
                continue; // server_slot::to_json: task fields only once the slot has served a task
            }
            s.put("id_task", busy ? slotTask[i] : slotLastTask[i]);
            ObjectNode p = s.putObject("params");
            p.put("n_predict", -1);
            p.put("temperature", 0.8);
            p.put("top_k", 40);
            p.put("top_p", 0.95);
            p.put("min_p", 0.05);
            p.put("stream", true);
            ObjectNode next = s.putArray("next_token").addObject();
            next.put("has_next_token", busy);
            next.put("has_new_line", false);
            next.put("n_remain", -1);
            next.put("n_decoded", slotDecoded[i]);
        }
        json(ctx, 200, out);
    }

    private void props(RoutingContext ctx) {
        ObjectNode out = Json.object();
        ObjectNode dgs = out.putObject("default_generation_settings");
        dgs.put("n_ctx", settings.ctxSize());
        out.put("total_slots", settings.parallel());
        out.put("model_path", settings.modelPath());
        ObjectNode modalities = out.putObject("modalities");
        modalities.put("vision", false);
        modalities.put("audio", false);
        out.put("chat_template", "{{ messages }}");
        out.put("build_info", settings.buildInfo());
        json(ctx, 200, out);
    }

    private void models(RoutingContext ctx) {
        ObjectNode out = Json.object();
        ObjectNode m = out.putArray("models").addObject();
        m.put("name", settings.modelId());
        m.put("model", settings.modelId());
        m.put("modified_at", "");
        m.put("size", "");
        m.put("digest", "");
        m.put("type", "model");
        m.put("description", "");
        m.putArray("tags").add("");
        m.putArray("capabilities").add("completion");
        m.put("parameters", "");
        out.put("object", "list");
        ObjectNode d = out.putArray("data").addObject();
        d.put("id", settings.modelId());
        d.put("object", "model");
        d.put("created", startedAt);
        d.put("owned_by", "llamacpp");
        ObjectNode meta = d.putObject("meta");
        meta.put("vocab_type", 2);
        meta.put("n_vocab", 128256);
        meta.put("n_ctx_train", Math.max(settings.ctxSize(), 131072));
        meta.put("n_embd", 4096);
        meta.put("n_params", 8_030_261_312L);
        meta.put("size", 4_912_898_304L);
        json(ctx, 200, out);
    }

    /** Which response shape a generation takes. */
    private enum Flavour { CHAT, OAI_COMPLETION, NATIVE }

    private void chat(RoutingContext ctx) {
        admit(ctx, Flavour.CHAT, ChatRequest::chat, "'messages' is required");
    }

    private void completion(RoutingContext ctx, Flavour flavour) {
        admit(ctx, flavour, body -> {
            if (flavour == Flavour.NATIVE && !body.has("n_predict") && body.has("max_tokens")) {
                body.set("n_predict", body.get("max_tokens"));
            }
            if (flavour == Flavour.NATIVE && body.has("n_predict")) {
                body.set("max_tokens", body.get("n_predict"));
            }
            return ChatRequest.completion(body);
        }, "\"prompt\" must be provided");
    }

    /** Reads the body with {@code parse}; a body that is not JSON, or that {@code parse} rejects, is a 400. */
    private void admit(RoutingContext ctx, Flavour flavour, Function<ObjectNode, ChatRequest> parse, String invalid) {
        ObjectNode body = Json.parseObject(ctx.body().asString());
        if (body == null) {
            sendError(ctx, 400, "Failed to parse JSON body");
            return;
        }
        ChatRequest req;
        try {
            req = parse.apply(body);
        } catch (IllegalArgumentException e) {
            sendError(ctx, 400, invalid);
            return;
        }
        admit(ctx, req, flavour);
    }

    /**
     * {@code /v1/rerank}: 501 unless started with {@code --reranking}; {@code query} and {@code documents} (strings),
     * optional {@code top_n}; {@code {"model","object":"list","usage":{"prompt_tokens","total_tokens"},"results":[{"index",
     * "relevance_score"}]}}, best first (server.cpp format_response_rerank), the document text only with
     * {@code return_text}.
     */
    private void rerank(RoutingContext ctx) {
        if (!settings.reranking()) {
            sendError(ctx, 501, "This server does not support reranking. Start it with `--reranking`");
            return;
        }
        ObjectNode body = Json.parseObject(ctx.body().asString());
        if (body == null || !body.path("query").isTextual() || !body.path("documents").isArray()) {
            sendError(ctx, 400, body == null ? "Invalid JSON" : "\"query\" and \"documents\" must be provided");
            return;
        }
        String query = body.path("query").asText();
        List<ObjectNode> results = new ArrayList<>();
        int tokens = 0;
        JsonNode docs = body.get("documents");
        boolean returnText = body.path("return_text").asBoolean(false);
        for (int i = 0; i < docs.size(); i++) {
            String text = docs.get(i).asText();
            tokens += TextGenerator.countTokens(query) + TextGenerator.countTokens(text);
            ObjectNode r = Json.object();
            r.put("index", i);
            if (returnText) {
                r.put("document", text);
            }
            r.put("relevance_score", Relevance.score(query, text));
            results.add(r);
        }
        results.sort(java.util.Comparator.comparingDouble((ObjectNode r) -> r.path("relevance_score").asDouble()).reversed());
        int topN = body.path("top_n").asInt(docs.size());
        ObjectNode out = Json.object();
        out.put("model", settings.modelId());
        out.put("object", "list");
        ObjectNode usage = out.putObject("usage");
        usage.put("prompt_tokens", tokens);
        usage.put("total_tokens", tokens);
        ArrayNode arr = out.putArray("results");
        results.stream().limit(Math.max(0, topN)).forEach(arr::add);
        json(ctx, 200, out);
    }

    /** {@code /v1/embeddings}: 501 unless started with {@code --embeddings} (server.cpp handle_embeddings_impl). */
    private void embeddings(RoutingContext ctx) {
        if (!settings.embeddings()) {
            sendError(ctx, 501, "This server does not support embeddings. Start it with `--embeddings`");
            return;
        }
        ObjectNode body = Json.parseObject(ctx.body().asString());
        if (body == null || !body.has("input")) {
            sendError(ctx, 400, "\"input\" must be provided");
            return;
        }
        List<String> texts = new ArrayList<>();
        if (body.get("input").isArray()) {
            body.get("input").forEach(n -> texts.add(n.asText()));
        } else {
            texts.add(body.get("input").asText());
        }
        ObjectNode out = Json.object();
        out.put("model", settings.modelId());
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        int tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            ObjectNode d = data.addObject();
            ArrayNode v = d.putArray("embedding");
            for (float f : TextGenerator.embedding(texts.get(i), 4096)) {
                v.add(f);
            }
            d.put("index", i);
            d.put("object", "embedding");
            tokens += TextGenerator.countTokens(texts.get(i));
        }
        ObjectNode u = out.putObject("usage");
        u.put("prompt_tokens", tokens);
        u.put("total_tokens", tokens);
        json(ctx, 200, out);
    }

    private void admit(RoutingContext ctx, ChatRequest req, Flavour flavour) {
        RequestSlots.Ticket ticket = queue.acquire(t -> serve(ctx, req, t, flavour));
        if (!ticket.started()) {
            ctx.response().closeHandler(v -> {
                if (!ticket.started()) {
                    ticket.release();
                }
            });
        }
    }

    private void serve(RoutingContext ctx, ChatRequest req, RequestSlots.Ticket ticket, Flavour flavour) {
        int slot = takeSlot();
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable done = () -> {
            if (finished.compareAndSet(false, true)) {
                freeSlot(slot);
                ticket.release();
            }
        };
        if (ctx.response().closed()) {
            done.run();
            return;
        }
        String id = (flavour == Flavour.CHAT ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        String model = req.model() != null ? req.model() : settings.modelId();
        List<String> tokens = req.tokens();
        String reason = req.finishReason();
        double promptMs = settings.pace().timeToFirstToken().toNanos() / 1e6;
        double tokenMs = settings.pace().interTokenDelay().toNanos() / 1e6;
        Runnable prefill = () -> metrics.prompt(req.promptTokens(), promptMs);
        Runnable decoded = () -> {
            synchronized (this) {
                slotDecoded[slot]++;
            }
            metrics.predicted(tokenMs, queue.running(), req.promptTokens() + slotDecoded[slot]);
        };
        ObjectNode timings = timings(req.promptTokens(), promptMs, tokens.size(), tokenMs);
        if (!req.stream()) {
            long ms = settings.pace().total(tokens.size()).toMillis();
            long timer = vertx.setTimer(Math.max(1, ms), t -> {
                prefill.run();
                tokens.forEach(x -> decoded.run());
                if (flavour != Flavour.CHAT) {
                    done.run();
                    json(ctx, 200, completionBody(flavour, id, created, model, String.join("", tokens), reason, req, timings, slot, true));
                    return;
                }
                ObjectNode out = Json.object();
                ObjectNode choice = out.putArray("choices").addObject();
                choice.put("finish_reason", reason);
                choice.put("index", 0);
                ObjectNode msg = choice.putObject("message");
                msg.put("role", "assistant");
                msg.put("content", String.join("", tokens));
                out.put("created", created);
                out.put("model", model);
                out.put("system_fingerprint", settings.buildInfo());
                out.put("object", "chat.completion");
                out.set("usage", usage(req.promptTokens(), tokens.size()));
                out.put("id", id);
                out.set("timings", timings);
                done.run();
                json(ctx, 200, out);
            });
            ctx.response().closeHandler(v -> {
                vertx.cancelTimer(timer);
                done.run();
            });
            return;
        }
        if (flavour != Flavour.CHAT) {
            streamCompletion(ctx, flavour, id, created, model, tokens, reason, req, timings, slot, prefill, decoded, done);
            return;
        }
        List<PacedStream.Frame> frames = new ArrayList<>();
        ObjectNode first = chunk(id, created, model, null);
        ObjectNode firstDelta = ((ObjectNode) first.get("choices").get(0)).putObject("delta");
        firstDelta.put("role", "assistant");
        firstDelta.putNull("content");
        frames.add(new PacedStream.Frame(sseData(first), settings.pace().timeToFirstToken(), prefill));
        for (int i = 0; i < tokens.size(); i++) {
            ObjectNode c = chunk(id, created, model, null);
            ((ObjectNode) c.get("choices").get(0)).putObject("delta").put("content", tokens.get(i));
            frames.add(new PacedStream.Frame(sseData(c), i == 0 ? Duration.ZERO : settings.pace().interTokenDelay(), decoded));
        }
        ObjectNode last = chunk(id, created, model, reason);
        ((ObjectNode) last.get("choices").get(0)).putObject("delta");
        last.set("usage", usage(req.promptTokens(), tokens.size()));
        last.set("timings", timings);
        frames.add(PacedStream.Frame.now(sseData(last)));
        if (req.includeUsage()) {
            ObjectNode u = Json.object();
            u.putArray("choices");
            u.put("created", created);
            u.put("id", id);
            u.put("model", model);
            u.put("system_fingerprint", settings.buildInfo());
            u.put("object", "chat.completion.chunk");
            u.set("usage", usage(req.promptTokens(), tokens.size()));
            frames.add(PacedStream.Frame.now(sseData(u)));
        }
        frames.add(PacedStream.Frame.now("data: [DONE]\n\n"));
        ctx.response().setStatusCode(200).setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream");
        new PacedStream(vertx, ctx, faults, frames, done, done).onStreamError(LlamaCppServer::streamErrorTail).start();
    }

    /**
     * server-http.cpp / server.cpp: an error after the stream started is sent as {@code data: {"error":…}} and the
     * stream ends there, without {@code data: [DONE]}.
     */
    private static List<String> streamErrorTail(String message) {
        ObjectNode info = Json.object();
        info.put("code", 500);
        info.put("message", message);
        info.put("type", "server_error");
        ObjectNode e = Json.object();
        e.set("error", info);
        return List.of(sseData(e));
    }

    /** {@code /v1/completions} ({@code text_completion}) or the native {@code /completion} body. */
    private ObjectNode completionBody(Flavour flavour, String id, long created, String model, String text, String reason,
                                      ChatRequest req, ObjectNode timings, int slot, boolean last) {
        ObjectNode out = Json.object();
        if (flavour == Flavour.NATIVE) {
            out.put("index", 0);
            out.put("content", text);
            out.putArray("tokens");
            out.put("id_slot", slot);
            out.put("stop", last);
            out.put("model", model);
            if (last) {
                out.put("tokens_predicted", TextGenerator.tokens(req.prompt(), req.maxTokens()).size());
                out.put("tokens_evaluated", req.promptTokens());
                out.put("stop_type", "length".equals(reason) ? "limit" : "eos");
                out.put("stopping_word", "");
                out.put("tokens_cached", 0);
                out.set("timings", timings);
            }
            return out;
        }
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("text", text);
        choice.put("index", 0);
        choice.putNull("logprobs");
        choice.put("finish_reason", last ? reason : null);
        out.put("created", created);
        out.put("model", model);
        out.put("system_fingerprint", settings.buildInfo());
        out.put("object", "text_completion");
        out.put("id", id);
        if (last) {
            out.set("usage", usage(req.promptTokens(), TextGenerator.tokens(req.prompt(), req.maxTokens()).size()));
            out.set("timings", timings);
        }
        return out;
    }

    private void streamCompletion(RoutingContext ctx, Flavour flavour, String id, long created, String model, List<String> tokens,
                                  String reason, ChatRequest req, ObjectNode timings, int slot, Runnable prefill,
                                  Runnable decoded, Runnable done) {
        List<PacedStream.Frame> frames = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Duration delay = i == 0 ? settings.pace().timeToFirstToken() : settings.pace().interTokenDelay();
            Runnable after = i == 0 ? () -> {
                prefill.run();
                decoded.run();
            } : decoded;
            frames.add(new PacedStream.Frame(sseData(completionBody(flavour, id, created, model, tokens.get(i), reason, req, timings, slot, false)),
                    delay, after));
        }
        frames.add(PacedStream.Frame.now(sseData(completionBody(flavour, id, created, model, "", reason, req, timings, slot, true))));
        if (flavour == Flavour.OAI_COMPLETION) {
            frames.add(PacedStream.Frame.now("data: [DONE]\n\n")); // the native endpoint ends without it
        }
        ctx.response().setStatusCode(200).setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream");
        new PacedStream(vertx, ctx, faults, frames, done, done).onStreamError(LlamaCppServer::streamErrorTail).start();
    }

    private ObjectNode chunk(String id, long created, String model, String finishReason) {
        ObjectNode c = Json.object();
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("finish_reason", finishReason);
        choice.put("index", 0);
        c.put("created", created);
        c.put("id", id);
        c.put("model", model);
        c.put("system_fingerprint", settings.buildInfo());
        c.put("object", "chat.completion.chunk");
        return c;
    }

    private static ObjectNode usage(int prompt, int completion) {
        ObjectNode u = Json.object();
        u.put("completion_tokens", completion);
        u.put("prompt_tokens", prompt);
        u.put("total_tokens", prompt + completion);
        return u;
    }

    private static ObjectNode timings(int promptN, double promptMs, int predictedN, double tokenMs) {
        ObjectNode t = Json.object();
        t.put("prompt_n", promptN);
        t.put("prompt_ms", promptMs);
        t.put("prompt_per_token_ms", promptN == 0 ? 0 : promptMs / promptN);
        t.put("prompt_per_second", promptMs <= 0 ? 0 : 1e3 / promptMs * promptN);
        t.put("predicted_n", predictedN);
        t.put("predicted_ms", tokenMs * predictedN);
        t.put("predicted_per_token_ms", tokenMs);
        t.put("predicted_per_second", tokenMs <= 0 ? 0 : 1e3 / tokenMs);
        return t;
    }

    private synchronized int takeSlot() {
        for (int i = 0; i < slotTask.length; i++) {
            if (slotTask[i] < 0) {
                slotTask[i] = nextTask++;
                slotLastTask[i] = slotTask[i];
                slotDecoded[i] = 0;
                return i;
            }
        }
        return 0; // cannot happen: the queue admits at most as many requests as there are slots
    }

    private synchronized void freeSlot(int slot) {
        slotTask[slot] = -1;
    }
}
