package dev.sparkd.simulator.vllm;

import static dev.sparkd.simulator.http.PacedStream.sseData;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.simulator.config.ServiceKind;
import dev.sparkd.simulator.config.Versions;
import dev.sparkd.simulator.config.VllmModelSpec;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import dev.sparkd.simulator.generation.Pace;
import dev.sparkd.simulator.generation.TextGenerator;
import dev.sparkd.simulator.generation.Thinking;
import dev.sparkd.simulator.generation.ToolCalls;
import dev.sparkd.simulator.http.ChatRequest;
import dev.sparkd.simulator.http.Json;
import dev.sparkd.simulator.http.PacedStream;
import dev.sparkd.simulator.http.RequestSlots;
import dev.sparkd.simulator.http.SimulatedService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated {@code vllm serve MODEL}: the OpenAI-compatible API server of vllm-project/vllm
 * ({@code vllm/entrypoints/openai/api_server.py}, {@code vllm/entrypoints/serve/instrumentator/health.py}).
 * While loading, the port is closed (vLLM starts its HTTP server only after the engine is built). Requests beyond
 * {@code --max-num-seqs} wait, and {@code /metrics} reports exactly that.
 */
public final class VllmServer extends SimulatedService {
    private final VllmModelSpec model;
    private final String servedName;
    private final int maxModelLen;
    private final long kvCacheTokens;
    private final String version;
    private final boolean legacy;
    private final RequestSlots slots;
    private final VllmMetrics metrics;
    private final AtomicLong tokensInCache = new AtomicLong();
    private final boolean reasoningField;
    private volatile String reasoningParser;
    private volatile boolean engineExited;
    private volatile Runnable onExit = () -> { };
    private volatile Runnable onRestart = () -> { };
    private long watchdogTimer = -1;
    private volatile String apiKey;

    public VllmServer(Vertx vertx, String name, String host, String bind, int port, VllmModelSpec model,
                      String servedName, int maxNumSeqs, int maxModelLen, long kvCacheTokens, String version) {
        super(vertx, name, ServiceKind.VLLM, host, bind, port);
        this.model = model;
        this.servedName = servedName == null ? model.id() : servedName;
        this.maxModelLen = maxModelLen > 0 ? maxModelLen : model.maxModelLen();
        this.kvCacheTokens = Math.max(1, kvCacheTokens);
        this.version = version;
        // the nested OpenAI error shape came with v0.10.1 (vllm-project/vllm#22099)
        this.legacy = Versions.olderThan(version, 0, 10, 1);
        this.reasoningField = !Versions.olderThan(version, 0, 11, 1);
        this.slots = new RequestSlots(vertx, maxNumSeqs);
        this.metrics = new VllmMetrics(this.servedName, legacy);
    }

    public String servedModelName() {
        return servedName;
    }

    public VllmModelSpec model() {
        return model;
    }

    /** {@code --reasoning-parser}: reasoning goes to its own field instead of {@code <think>…</think>} in the content. */
    public VllmServer reasoningParser(String parser) {
        this.reasoningParser = parser;
        return this;
    }

    public String reasoningParser() {
        return reasoningParser;
    }

    /**
     * {@code --api-key} (or {@code VLLM_API_KEY}): every {@code /v1} path then wants {@code Authorization: Bearer KEY}
     * and answers 401 {@code {"error": "Unauthorized"}} without it, as vLLM's api_server middleware does.
     */
    public VllmServer apiKey(String key) {
        this.apiKey = key == null || key.isEmpty() ? null : key;
        return this;
    }

    /**
     * What happens around the process when it exits after its engine died (the container exits 1), and when it is
     * started again (clearing the {@code engine_dead} fault: as a restart policy or a new {@code docker start} would).
     */
    public void onEngineExit(Runnable exit, Runnable restart) {
        this.onExit = exit;
        this.onRestart = restart;
    }

    @Override
    protected boolean exited() {
        return engineExited;
    }

    /**
     * launcher.py watchdog_loop: every VLLM_WATCHDOG_TIME_S (5 s) it checks the engine and, once it is dead, sets
     * {@code should_exit} unless VLLM_KEEP_ALIVE_ON_ENGINE_DEATH; the server shuts down and the process exits.
     */
    @Override
    protected synchronized void faultChanged(FaultType type, boolean active) {
        if (type != FaultType.ENGINE_DEAD) {
            return;
        }
        if (watchdogTimer >= 0) {
            vertx.cancelTimer(watchdogTimer);
            watchdogTimer = -1;
        }
        if (active) {
            Fault dead = faults.get(FaultType.ENGINE_DEAD).orElseThrow();
            if (!Boolean.parseBoolean(dead.stringParam("keep_alive_on_engine_death", "false"))) {
                long ms = Math.max(1, Math.round(dead.doubleParam("exit_after_s", 5) * 1000));
                watchdogTimer = vertx.setTimer(ms, id -> engineExit(dead));
            }
        } else if (engineExited) {
            engineExited = false;
            onRestart.run();
            reconcile();
        }
    }

    private void engineExit(Fault dead) {
        synchronized (this) {
            watchdogTimer = -1;
            if (faults.get(FaultType.ENGINE_DEAD).orElse(null) != dead) {
                return;
            }
            engineExited = true;
        }
        reconcile();
        onExit.run();
    }

    public int running() {
        return slots.running();
    }

    public int waiting() {
        return slots.waiting();
    }

    @Override
    protected void routes(Router router) {
        router.route("/v1/*").handler(ctx -> {
            String key = apiKey;
            if (key != null && !("Bearer " + key).equals(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
                json(ctx, 401, "{\"error\":\"Unauthorized\"}");
                return;
            }
            ctx.next();
        });
        router.get("/health").handler(this::health);
        router.route("/ping").method(HttpMethod.GET).method(HttpMethod.POST).handler(this::health);
        router.get("/version").handler(ctx -> {
            ObjectNode v = Json.object();
            v.put("version", version);
            json(ctx, 200, v);
        });
        router.get("/v1/models").handler(this::models);
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.render(slots.running(), slots.waiting(), kvUsage())));
        router.post("/v1/chat/completions").handler(ctx -> inference(ctx, true));
        router.post("/v1/completions").handler(ctx -> inference(ctx, false));
        router.post("/v1/embeddings").handler(this::embeddings);
        router.post("/tokenize").handler(this::tokenize);
        if (model.scoring()) {
            for (String path : List.of("/rerank", "/v1/rerank", "/v2/rerank")) {
                router.post(path).handler(ctx -> pooling(ctx, VllmPooling::rerank, "query and documents"));
            }
            for (String path : List.of("/score", "/v1/score")) {
                router.post(path).handler(ctx -> pooling(ctx, VllmPooling::score, "text_1 and text_2"));
            }
        }
        if (model.transcription()) {
            router.post("/v1/audio/transcriptions").handler(this::transcription);
        }
        // FastAPI's default for unknown paths
        router.route().last().handler(ctx -> json(ctx, 404, "{\"detail\":\"Not Found\"}"));
    }

    @Override
    protected void sendError(RoutingContext ctx, int status, String message) {
        String type = status >= 500 ? "InternalServerError" : status == 404 ? "NotFoundError" : "BadRequestError";
        json(ctx, status, VllmResponses.error(legacy, status, type, message, null));
    }

    private void health(RoutingContext ctx) {
        // health.py: Response(status_code=200) with an empty body; 503 only on EngineDeadError
        ctx.response().setStatusCode(faults.has(FaultType.ENGINE_DEAD) ? 503 : 200).end();
    }

    private void models(RoutingContext ctx) {
        ObjectNode list = Json.object();
        list.put("object", "list");
        ObjectNode card = list.putArray("data").addObject();
        long created = System.currentTimeMillis() / 1000;
        card.put("id", servedName);
        card.put("object", "model");
        card.put("created", created);
        card.put("owned_by", "vllm");
        card.put("root", model.id());
        card.putNull("parent");
        card.put("max_model_len", maxModelLen);
        ObjectNode perm = card.putArray("permission").addObject();
        perm.put("id", "modelperm-" + hex());
        perm.put("object", "model_permission");
        perm.put("created", created);
        perm.put("allow_create_engine", false);
        perm.put("allow_sampling", true);
        perm.put("allow_logprobs", true);
        perm.put("allow_search_indices", false);
        perm.put("allow_view", true);
        perm.put("allow_fine_tuning", false);
        perm.put("organization", "*");
        perm.putNull("group");
        perm.put("is_blocking", false);
        json(ctx, 200, list);
    }

    /** Checks what every inference endpoint checks first; answers and returns null when the request is refused. */
    private ChatRequest admit(RoutingContext ctx, boolean chat) {
        if (faults.has(FaultType.ENGINE_DEAD)) {
            // launcher.py's EngineDeadError handler: an empty 500 (and the server shuts itself down)
            ctx.response().setStatusCode(500).end();
            return null;
        }
        ObjectNode body = Json.parseObject(ctx.body().asString());
        if (body == null) {
            json(ctx, 400, VllmResponses.error(legacy, 400, "BadRequestError", "JSON decode error", null));
            return null;
        }
        ChatRequest req;
        try {
            req = chat ? ChatRequest.chat(body) : ChatRequest.completion(body);
        } catch (IllegalArgumentException e) {
            json(ctx, 400, VllmResponses.error(legacy, 400, "BadRequestError", e.getMessage(), null));
            return null;
        }
        if (req.model() != null && !req.model().equals(servedName)) {
            json(ctx, 404, VllmResponses.error(legacy, 404, "NotFoundError",
                    "The model `" + req.model() + "` does not exist.", legacy ? null : "model"));
            return null;
        }
        if (req.promptTokens() + req.maxTokens() > maxModelLen) {
            json(ctx, 400, VllmResponses.error(legacy, 400, "BadRequestError", "This model's maximum context length is "
                    + maxModelLen + " tokens. However, you requested " + (req.promptTokens() + req.maxTokens())
                    + " tokens (" + req.promptTokens() + " in the messages, " + req.maxTokens()
                    + " in the completion). Please reduce the length of the messages or completion.", null));
            return null;
        }
        return req;
    }

    private void inference(RoutingContext ctx, boolean chat) {
        ChatRequest req = admit(ctx, chat);
        if (req == null) {
            return;
        }
        Generation g = new Generation(ctx, req, chat);
        RequestSlots.Ticket ticket = slots.acquire(g::run);
        if (!ticket.started()) {
            // a client that leaves while still waiting gives its place up
            ctx.response().closeHandler(v -> {
                if (!ticket.started()) {
                    ticket.release();
                    metrics.finished("abort", g.elapsedSeconds());
                }
            });
        }
    }

    private void embeddings(RoutingContext ctx) {
        if (faults.has(FaultType.ENGINE_DEAD)) {
            ctx.response().setStatusCode(500).end();
            return;
        }
        if (!model.embedding()) {
            // api_server.py create_embedding: no embedding handler for a generative model
            json(ctx, 400, VllmResponses.error(legacy, 400, "BadRequestError", "The model does not support Embeddings API", null));
            return;
        }
        ObjectNode body = Json.parseObject(ctx.body().asString());
        if (body == null || !body.has("input")) {
            json(ctx, 400, VllmResponses.error(legacy, 400, "BadRequestError", "Field required: input", null));
            return;
        }
        String requested = body.path("model").asText(null);
        if (requested != null && !requested.equals(servedName)) {
            json(ctx, 404, VllmResponses.error(legacy, 404, "NotFoundError",
                    "The model `" + requested + "` does not exist.", legacy ? null : "model"));
            return;
        }
        JsonNode input = body.get("input");
        List<String> texts = new ArrayList<>();
        if (input.isArray()) {
            input.forEach(n -> texts.add(n.asText()));
        } else {
            texts.add(input.asText());
        }
        int dims = body.path("dimensions").asInt(1024);
        float[][] vectors = new float[texts.size()][];
        int tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            vectors[i] = TextGenerator.embedding(texts.get(i), dims);
            tokens += TextGenerator.countTokens(texts.get(i));
        }
        metrics.firstToken(tokens, 0.0);
        metrics.finished("stop", 0.0);
        json(ctx, 200, VllmResponses.embeddings("embd-" + hex(), System.currentTimeMillis() / 1000, servedName, vectors, tokens));
    }

    /**
     * {@code /tokenize} (serving_tokenization.py): a completion {@code prompt} or chat {@code messages} (through the chat
     * template, which adds a few tokens per message); {@code {"count","max_model_len","tokens","token_strs"}}.
     */
    private void tokenize(RoutingContext ctx) {
        ObjectNode body = Json.parseObject(ctx.body().asString());
        if (body == null || !(body.has("prompt") || body.path("messages").isArray())) {
            json(ctx, 400, VllmResponses.error(legacy, 400, "BadRequestError", "Field required: prompt or messages", null));
            return;
        }
        if (!modelAccepted(ctx, body.path("model").asText(null))) {
            return;
        }
        int count;
        if (body.has("prompt")) {
            count = TextGenerator.countTokens(body.path("prompt").asText());
        } else {
            count = 0;
            for (JsonNode m : body.get("messages")) {
                count += TextGenerator.countTokens(ChatRequest.content(m.get("content"))) + 4;
            }
            count += body.path("add_generation_prompt").asBoolean(true) ? 3 : 0;
        }
        ObjectNode out = Json.object();
        out.put("count", count);
        out.put("max_model_len", maxModelLen);
        var tokens = out.putArray("tokens");
        for (int i = 0; i < count; i++) {
            tokens.add(100 + Math.floorMod(i * 7919, 150_000));
        }
        out.putNull("token_strs");
        json(ctx, 200, out);
    }

    /** {@code /rerank} and {@code /score}: answered at once, as a cross-encoder's forward pass is short. */
    private void pooling(RoutingContext ctx, java.util.function.BiFunction<ObjectNode, String, ObjectNode> answer, String required) {
        if (faults.has(FaultType.ENGINE_DEAD)) {
            ctx.response().setStatusCode(500).end();
            return;
        }
        ObjectNode body = Json.parseObject(ctx.body().asString());
        if (body == null) {
            json(ctx, 400, VllmResponses.error(legacy, 400, "BadRequestError", "JSON decode error", null));
            return;
        }
        if (!modelAccepted(ctx, body.path("model").asText(null))) {
            return;
        }
        ObjectNode out = answer.apply(body, servedName);
        if (out == null) {
            json(ctx, 400, VllmResponses.error(legacy, 400, "BadRequestError", "Field required: " + required, null));
            return;
        }
        metrics.firstToken(out.path("usage").path("total_tokens").asInt(), 0.0);
        metrics.finished("stop", 0.0);
        json(ctx, 200, out);
    }

    /** {@code /v1/audio/transcriptions}: a multipart upload with {@code file}; json or text back. */
    private void transcription(RoutingContext ctx) {
        if (faults.has(FaultType.ENGINE_DEAD)) {
            ctx.response().setStatusCode(500).end();
            return;
        }
        var file = VllmPooling.file(ctx);
        if (file == null) {
            json(ctx, 400, VllmResponses.error(legacy, 400, "BadRequestError", "Field required: file", null));
            return;
        }
        if (!modelAccepted(ctx, ctx.request().getFormAttribute("model"))) {
            return;
        }
        String format = ctx.request().getFormAttribute("response_format") == null ? "json" : ctx.request().getFormAttribute("response_format");
        Object out;
        try {
            out = VllmPooling.transcription(file, format);
        } catch (java.io.IOException e) {
            json(ctx, 500, VllmResponses.error(legacy, 500, "InternalServerError", e.getMessage(), null));
            return;
        }
        if (out == null) {
            json(ctx, 400, VllmResponses.error(legacy, 400, "BadRequestError",
                    "Currently only support response_format `text` or `json`", "response_format"));
            return;
        }
        metrics.finished("stop", 0.0);
        if (out instanceof String text) {
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(text);
        } else {
            json(ctx, 200, out);
        }
    }

    /** Answers 404 for another model's name, as every vLLM endpoint does; true when the name is this server's (or absent). */
    private boolean modelAccepted(RoutingContext ctx, String requested) {
        if (requested != null && !requested.equals(servedName)) {
            json(ctx, 404, VllmResponses.error(legacy, 404, "NotFoundError",
                    "The model `" + requested + "` does not exist.", legacy ? null : "model"));
            return false;
        }
        return true;
    }

    private double kvUsage() {
        return Math.min(1.0, tokensInCache.get() / (double) kvCacheTokens);
    }

    /** One request's life in the engine, from the moment it gets a slot. */
    private final class Generation {
        private final RoutingContext ctx;
        private final ChatRequest req;
        private final boolean chat;
        private final long arrival = System.nanoTime();
        private final String id;
        private final long created = System.currentTimeMillis() / 1000;
        private RequestSlots.Ticket ticket;
        private int generated;
        private boolean prefilled;
        private boolean done;
        private final List<Long> timers = new ArrayList<>();

        private final Thinking output;
        /** The tool the model calls instead of answering in text, or null. */
        private final ToolCalls.Call call;

        Generation(RoutingContext ctx, ChatRequest req, boolean chat) {
            this.ctx = ctx;
            this.req = req;
            this.chat = chat;
            this.call = chat ? ToolCalls.choose(req.body(), req.prompt()) : null;
            this.id = (chat ? "chatcmpl-" : "cmpl-") + hex();
            this.output = Thinking.of(req.prompt(), chat ? effort(req) : Thinking.Effort.OFF, req.maxTokens());
        }

        /** Without a reasoning parser the reasoning stays in the content, between think tags. */
        private boolean parsed() {
            return reasoningParser != null;
        }

        /** The content tokens: the answer, or without a parser the reasoning in think tags and then the answer. */
        private List<String> contentTokens() {
            if (parsed() || output.thinking().isEmpty()) {
                return output.answer();
            }
            List<String> all = new ArrayList<>(output.thinking());
            all.set(0, "<think>\n" + all.get(0));
            if (!output.answer().isEmpty()) {
                List<String> answer = new ArrayList<>(output.answer());
                answer.set(0, "\n</think>\n\n" + answer.get(0));
                all.addAll(answer);
            }
            return all;
        }

        double elapsedSeconds() {
            return (System.nanoTime() - arrival) / 1e9;
        }

        void run(RequestSlots.Ticket t) {
            this.ticket = t;
            tokensInCache.addAndGet(req.promptTokens());
            if (ctx.response().closed()) {
                finish("abort");
                return;
            }
            if (call != null) {
                callTool();
            } else if (req.stream()) {
                stream();
            } else {
                whole();
            }
        }

        /** A tool call: whole after the time to first token, or streamed as a name chunk and argument fragments. */
        private void callTool() {
            Pace pace = model.pace();
            String callId = "chatcmpl-tool-" + hex();
            int completion = call.fragments().size() + 8;
            if (!req.stream()) {
                ctx.response().closeHandler(v -> {
                    timers.forEach(vertx::cancelTimer);
                    finish("abort");
                });
                timers.add(vertx.setTimer(Math.max(1, pace.timeToFirstToken().toMillis()), a -> {
                    prefillDone();
                    for (int i = 0; i < completion; i++) {
                        tokenOut();
                    }
                    finish("tool_calls");
                    json(ctx, 200, VllmResponses.toolCall(id, created, servedName, callId, call, req.promptTokens(), completion));
                }));
                return;
            }
            List<PacedStream.Frame> frames = new ArrayList<>();
            frames.add(new PacedStream.Frame(sseData(VllmResponses.chatChunk(id, created, servedName, "assistant", "", null)),
                    pace.timeToFirstToken(), this::prefillDone));
            frames.add(PacedStream.Frame.now(sseData(VllmResponses.toolCallChunk(id, created, servedName, callId, call.name(), null, null))));
            for (int i = 0; i < call.fragments().size(); i++) {
                boolean last = i == call.fragments().size() - 1;
                frames.add(new PacedStream.Frame(sseData(VllmResponses.toolCallChunk(id, created, servedName, null, null,
                        call.fragments().get(i), last ? "tool_calls" : null)), pace.interTokenDelay(), this::tokenOut));
            }
            if (req.includeUsage()) {
                frames.add(PacedStream.Frame.now(sseData(VllmResponses.usageChunk(id, "chat.completion.chunk", created, servedName,
                        req.promptTokens(), completion))));
            }
            frames.add(PacedStream.Frame.now("data: [DONE]\n\n"));
            ctx.response().setStatusCode(200).setChunked(true)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            new PacedStream(vertx, ctx, faults, frames, () -> finish("tool_calls"), () -> finish("abort"))
                    .onStreamError(VllmServer.this::streamErrorTail).start();
        }

        private void prefillDone() {
            if (!prefilled) {
                prefilled = true;
                metrics.firstToken(req.promptTokens(), elapsedSeconds());
            }
        }

        private void tokenOut() {
            generated++;
            tokensInCache.incrementAndGet();
            metrics.generated(1);
        }

        private void stream() {
            Pace pace = model.pace();
            List<String> tokens = contentTokens();
            String reason = output.reason();
            List<PacedStream.Frame> frames = new ArrayList<>();
            if (chat) {
                frames.add(new PacedStream.Frame(sseData(VllmResponses.chatChunk(id, created, servedName, "assistant", "", null)),
                        pace.timeToFirstToken(), this::prefillDone));
            }
            List<String> reasoning = parsed() ? output.thinking() : List.of();
            for (int i = 0; i < reasoning.size(); i++) {
                boolean last = i == reasoning.size() - 1 && tokens.isEmpty();
                ObjectNode chunk = VllmResponses.reasoningChunk(id, created, servedName, reasoning.get(i), reasoningField,
                        last ? reason : null);
                frames.add(new PacedStream.Frame(sseData(chunk), i == 0 ? Duration.ZERO : pace.interTokenDelay(), () -> {
                    prefillDone();
                    tokenOut();
                }));
            }
            for (int i = 0; i < tokens.size(); i++) {
                boolean last = i == tokens.size() - 1;
                Duration delay = i == 0 && reasoning.isEmpty() ? (chat ? Duration.ZERO : pace.timeToFirstToken()) : pace.interTokenDelay();
                ObjectNode chunk = chat
                        ? VllmResponses.chatChunk(id, created, servedName, null, tokens.get(i), last ? reason : null)
                        : VllmResponses.completionChunk(id, created, servedName, tokens.get(i), last ? reason : null);
                frames.add(new PacedStream.Frame(sseData(chunk), delay, () -> {
                    prefillDone();
                    tokenOut();
                }));
            }
            if (req.includeUsage()) {
                frames.add(PacedStream.Frame.now(sseData(VllmResponses.usageChunk(id, chat ? "chat.completion.chunk" : "text_completion",
                        created, servedName, req.promptTokens(), output.total()))));
            }
            frames.add(PacedStream.Frame.now("data: [DONE]\n\n"));
            ctx.response().setStatusCode(200).setChunked(true)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            new PacedStream(vertx, ctx, faults, frames, () -> finish(reason), () -> finish("abort"))
                    .onStreamError(VllmServer.this::streamErrorTail).start();
        }

        private void whole() {
            Pace pace = model.pace();
            List<String> tokens = contentTokens();
            int generatedTokens = parsed() ? output.total() : tokens.size();
            ctx.response().closeHandler(v -> {
                timers.forEach(vertx::cancelTimer);
                finish("abort");
            });
            timers.add(vertx.setTimer(Math.max(1, pace.timeToFirstToken().toMillis()), a -> {
                prefillDone();
                tokenOut();
                long rest = pace.interTokenDelay().multipliedBy(Math.max(0, generatedTokens - 1)).toMillis();
                timers.add(vertx.setTimer(Math.max(1, rest), b -> {
                    for (int i = 1; i < generatedTokens; i++) {
                        tokenOut();
                    }
                    String text = String.join("", tokens);
                    String reason = output.reason();
                    ObjectNode body = chat
                            ? VllmResponses.chat(id, created, servedName, text, reason, req.promptTokens(), generatedTokens)
                            : VllmResponses.completion(id, created, servedName, text, reason, req.promptTokens(), generatedTokens);
                    if (chat && parsed() && !output.thinking().isEmpty()) {
                        VllmResponses.reasoning((ObjectNode) body.path("choices").path(0).path("message"),
                                output.thinkingText(), reasoningField);
                    }
                    finish(reason);
                    json(ctx, 200, body);
                }));
            }));
        }

        private void finish(String reason) {
            if (done) {
                return;
            }
            done = true;
            tokensInCache.addAndGet(-(req.promptTokens() + generated));
            if (ticket != null) {
                ticket.release();
            }
            metrics.finished(reason, elapsedSeconds());
        }
    }

    /** A random id suffix, as vLLM's {@code random_uuid()}: 32 hex digits. */
    static String hex() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * How much a chat request lets a reasoning model think: Qwen3's template takes
     * {@code chat_template_kwargs.enable_thinking=false}; gpt-oss always reasons and {@code reasoning_effort} sets how much.
     */
    private Thinking.Effort effort(ChatRequest req) {
        if (!model.reasoning()) {
            return Thinking.Effort.OFF;
        }
        JsonNode enable = req.body().path("chat_template_kwargs").get("enable_thinking");
        if (enable != null && enable.isBoolean() && !enable.asBoolean() && !model.reasoningAlwaysOn()) {
            return Thinking.Effort.OFF;
        }
        return "low".equals(req.body().path("reasoning_effort").asText()) ? Thinking.Effort.LOW : Thinking.Effort.DEFAULT;
    }

    /**
     * serving_chat.py: an exception inside the generator becomes {@code data: {error}} (the flat shape before 0.10.1),
     * and the stream still ends with {@code data: [DONE]}.
     */
    private List<String> streamErrorTail(String message) {
        return List.of(sseData(VllmResponses.error(legacy, 500, "InternalServerError", message, null)), "data: [DONE]\n\n");
    }
}
