package dev.sparkd.simulator.vllm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.simulator.config.ServiceKind;
import dev.sparkd.simulator.config.VllmModelSpec;
import dev.sparkd.simulator.fault.FaultType;
import dev.sparkd.simulator.generation.Pace;
import dev.sparkd.simulator.generation.TextGenerator;
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

    public VllmServer(Vertx vertx, String name, String host, String bind, int port, VllmModelSpec model,
                      String servedName, int maxNumSeqs, int maxModelLen, long kvCacheTokens, String version) {
        super(vertx, name, ServiceKind.VLLM, host, bind, port);
        this.model = model;
        this.servedName = servedName == null ? model.id() : servedName;
        this.maxModelLen = maxModelLen > 0 ? maxModelLen : model.maxModelLen();
        this.kvCacheTokens = Math.max(1, kvCacheTokens);
        this.version = version;
        this.legacy = olderThan(version, 0, 10);
        this.slots = new RequestSlots(vertx, maxNumSeqs);
        this.metrics = new VllmMetrics(this.servedName, legacy);
    }

    public String servedModelName() {
        return servedName;
    }

    public VllmModelSpec model() {
        return model;
    }

    public int running() {
        return slots.running();
    }

    public int waiting() {
        return slots.waiting();
    }

    @Override
    protected void routes(Router router) {
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

        Generation(RoutingContext ctx, ChatRequest req, boolean chat) {
            this.ctx = ctx;
            this.req = req;
            this.chat = chat;
            this.id = (chat ? "chatcmpl-" : "cmpl-") + hex();
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
            if (req.stream()) {
                stream();
            } else {
                whole();
            }
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
            List<String> tokens = req.tokens();
            String reason = req.finishReason();
            List<PacedStream.Frame> frames = new ArrayList<>();
            if (chat) {
                frames.add(new PacedStream.Frame(sse(VllmResponses.chatChunk(id, created, servedName, "assistant", "", null)),
                        pace.timeToFirstToken(), this::prefillDone));
            }
            for (int i = 0; i < tokens.size(); i++) {
                boolean last = i == tokens.size() - 1;
                Duration delay = i == 0 ? (chat ? Duration.ZERO : pace.timeToFirstToken()) : pace.interTokenDelay();
                ObjectNode chunk = chat
                        ? VllmResponses.chatChunk(id, created, servedName, null, tokens.get(i), last ? reason : null)
                        : VllmResponses.completionChunk(id, created, servedName, tokens.get(i), last ? reason : null);
                frames.add(new PacedStream.Frame(sse(chunk), delay, () -> {
                    prefillDone();
                    tokenOut();
                }));
            }
            if (req.includeUsage()) {
                frames.add(PacedStream.Frame.now(sse(VllmResponses.usageChunk(id, chat ? "chat.completion.chunk" : "text_completion",
                        created, servedName, req.promptTokens(), tokens.size()))));
            }
            frames.add(PacedStream.Frame.now("data: [DONE]\n\n"));
            ctx.response().setStatusCode(200).setChunked(true)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            new PacedStream(vertx, ctx, faults, frames, () -> finish(reason), () -> finish("abort")).start();
        }

        private void whole() {
            Pace pace = model.pace();
            List<String> tokens = req.tokens();
            ctx.response().closeHandler(v -> {
                timers.forEach(vertx::cancelTimer);
                finish("abort");
            });
            timers.add(vertx.setTimer(Math.max(1, pace.timeToFirstToken().toMillis()), a -> {
                prefillDone();
                tokenOut();
                long rest = pace.interTokenDelay().multipliedBy(Math.max(0, tokens.size() - 1)).toMillis();
                timers.add(vertx.setTimer(Math.max(1, rest), b -> {
                    for (int i = 1; i < tokens.size(); i++) {
                        tokenOut();
                    }
                    String text = String.join("", tokens);
                    String reason = req.finishReason();
                    ObjectNode body = chat
                            ? VllmResponses.chat(id, created, servedName, text, reason, req.promptTokens(), tokens.size())
                            : VllmResponses.completion(id, created, servedName, text, reason, req.promptTokens(), tokens.size());
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

    private static String sse(ObjectNode chunk) {
        return "data: " + Json.write(chunk) + "\n\n";
    }

    private static String hex() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    static boolean olderThan(String version, int major, int minor) {
        try {
            String[] parts = version.replaceFirst("^v", "").split("[.+-]");
            int ma = Integer.parseInt(parts[0]);
            int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return ma < major || (ma == major && mi < minor);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
