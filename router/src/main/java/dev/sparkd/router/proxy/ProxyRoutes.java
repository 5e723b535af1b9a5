package dev.sparkd.router.proxy;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkd.core.net.Peers;
import dev.sparkd.daemon.edge.Edge;
import dev.sparkd.daemon.edge.RejectedRequests;
import dev.sparkd.daemon.edge.RejectedRequests.Reason;
import dev.sparkd.router.metrics.RouterMetrics;
import dev.sparkd.router.budget.Budgets;
import dev.sparkd.router.config.RouterSettings;
import dev.sparkd.router.keys.ApiKey;
import dev.sparkd.router.keys.KeyStore;
import dev.sparkd.router.ledger.LedgerEntry;
import dev.sparkd.router.replay.Replays;
import dev.sparkd.router.target.Planner;
import dev.sparkd.router.target.StickySessions;
import dev.sparkd.router.target.Target;
import dev.sparkd.router.target.Targets;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The OpenAI-compatible routes, on raw Vert.x routes (no JAX-RS dispatch on the hot path): authenticate, pick the
 * route and policy, then hand over to an {@link Exchange}.
 */
@Singleton
public class ProxyRoutes {
    static final String LOCAL_ONLY_HEADER = "X-Sparkd-Local-Only";
    private static final Logger LOG = Logger.getLogger(ProxyRoutes.class);
    /** How long the rest of a refused body is drained before the connection is closed anyway. */
    static final long LINGER_MS = 5_000;

    private final Targets targets;
    private final RouterSettings settings;
    private final Planner planner = new Planner();
    private final KeyStore keys;
    private final Recorder recorder;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ExchangeContext exchanges;
    private final RejectedRequests refusals;
    private final Replays replays;
    private final BoundedBody.Budget bodyBudget;

    public ProxyRoutes(Vertx vertx, Targets targets, Budgets budgets, KeyStore keys, Recorder recorder, RouterMetrics metrics,
            RejectedRequests refusals, Replays replays) {
        this.refusals = refusals;
        this.replays = replays;
        this.targets = targets;
        this.settings = targets.settings();
        this.keys = keys;
        this.recorder = recorder;
        this.exchanges = new ExchangeContext(vertx, settings, budgets, metrics, recorder, mapper);
        this.bodyBudget = new BoundedBody.Budget(settings.limits().bufferedBytes());
    }

    void register(@Observes Router router, Edge edge) {
        edge.acceptUploads("/v1/audio/transcriptions");
        router.post("/v1/chat/completions").order(-100).handler(ctx -> handle(ctx, Endpoint.CHAT));
        router.post("/v1/completions").order(-100).handler(ctx -> handle(ctx, Endpoint.COMPLETIONS));
        router.post("/v1/embeddings").order(-100).handler(ctx -> handle(ctx, Endpoint.EMBEDDINGS));
        router.get("/v1/models").order(-100).handler(this::models);
        router.post("/v1/messages").order(-100).handler(ctx -> handle(ctx, Endpoint.MESSAGES));
        router.post("/v1/messages/count_tokens").order(-100).handler(ctx -> handle(ctx, Endpoint.COUNT_TOKENS));
        router.post("/v1/rerank").order(-100).handler(ctx -> handle(ctx, Endpoint.RERANK));
        router.post("/v1/audio/transcriptions").order(-100).handler(ctx -> handle(ctx, Endpoint.TRANSCRIPTIONS));
        router.post("/v1/audio/speech").order(-100).handler(ctx -> handle(ctx, Endpoint.SPEECH));
    }

    static String requestId(HttpServerRequest req) {
        return Peers.requestId(req.getHeader("X-Request-Id"));
    }

    /** The caller's key, {@link ApiKey#KEYLESS}, or null (and a 401 has been sent). */
    ApiKey authenticate(HttpServerRequest req, String requestId) {
        return authenticate(req, requestId, Endpoint.CHAT);
    }

    /** The key comes as {@code Authorization: Bearer} or, as Anthropic clients send it, {@code x-api-key}. */
    private ApiKey authenticate(HttpServerRequest req, String requestId, Endpoint endpoint) {
        String auth = req.getHeader(HttpHeaders.AUTHORIZATION);
        boolean keyless = settings.allowKeyless() && req.remoteAddress() != null && Peers.isLoopback(req.remoteAddress().host());
        String presented = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        if (presented == null && req.getHeader("x-api-key") != null) {
            presented = req.getHeader("x-api-key").trim();
        }
        // SDKs insist on sending some key: on a keyless loopback listener anything but a router key means "no key"
        if (presented != null && (!keyless || KeyStore.looksLikeKey(presented))) {
            ApiKey k = keys.authenticate(presented);
            if (k != null) {
                return k;
            }
            reply(req.response(), requestId, new OpenAiError(401, "invalid_request_error", "invalid_api_key", null,
                    "Incorrect API key provided. Create one with `router keys create`.", null), endpoint);
            return null;
        }
        if (keyless) {
            return ApiKey.KEYLESS;
        }
        reply(req.response(), requestId, new OpenAiError(401, "invalid_request_error", "missing_api_key", null,
                "You didn't provide an API key. Send it as `Authorization: Bearer sk-sparkd-…` (or `x-api-key`).", null), endpoint);
        return null;
    }

    /**
     * {@code X-Sparkd-Local-Only}: absent → false; {@code true/1/yes/on} → true; {@code false/0/no/off} → false, in any
     * case; anything else → null, answered with 400 — a privacy switch must never fail open on a spelling.
     */
    static Boolean localOnlyHeader(String value) {
        if (value == null) {
            return false;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> null;
        };
    }

    private static OpenAiError badLocalOnly() {
        return OpenAiError.invalid("X-Sparkd-Local-Only must be true or false (or 1/0, yes/no, on/off).", null, "invalid_local_only_header");
    }

    private void handle(RoutingContext ctx, Endpoint endpoint) {
        long t0 = System.nanoTime();
        HttpServerRequest req = ctx.request();
        String rid = requestId(req);
        ApiKey key = authenticate(req, rid, endpoint);
        if (key == null) {
            rejected(rid, endpoint, null, "-", 401, "unauthenticated", t0);
            return;
        }
        Boolean headerLocal = localOnlyHeader(req.getHeader(LOCAL_ONLY_HEADER));
        if (headerLocal == null) {
            reject(req.response(), rid, endpoint, null, key, t0, badLocalOnly());
            return;
        }
        // Quarkus hands requests over paused; the bounded read resumes it. The body's bytes count against the budget
        // until it is parsed and the first attempt's payload is built (its costliest moment), or until it is dropped.
        AtomicLong taken = new AtomicLong();
        BoundedBody.of(req, settings.limits().requestBytes(), bodyBudget, taken).onComplete(ar -> {
            try {
                if (ar.succeeded()) {
                    answered(ctx, endpoint, rid, key, t0, () -> start(ctx, endpoint, rid, key, ar.result(), t0, headerLocal));
                } else if (ar.cause() instanceof BoundedBody.TooLarge tooLarge) {
                    refuseBody(req, rid, endpoint, key, t0, new OpenAiError(413, "invalid_request_error", "request_too_large", null,
                            "The request body is larger than this router accepts (" + tooLarge.limit + " bytes, [router] max_request_size).", null));
                } else if (ar.cause() instanceof BoundedBody.Busy) {
                    req.response().putHeader("Retry-After", "1");
                    refuseBody(req, rid, endpoint, key, t0, new OpenAiError(503, "server_error", "server_busy", null,
                            "The router is reading other large requests (" + settings.limits().bufferedBytes()
                                    + " bytes at once, [router] max_buffered_size); retry shortly.", null));
                }
                // else the connection is gone
            } finally {
                bodyBudget.give(taken.getAndSet(0));
            }
        });
    }

    /**
     * 413 (too large) or 503 (busy) in OpenAI's shape while the body is still arriving. The rest is read and dropped (so the client, still
     * sending, gets to read the answer), then the connection is closed; a client that keeps sending is cut off.
     */
    private void refuseBody(HttpServerRequest req, String rid, Endpoint endpoint, ApiKey key, long t0, OpenAiError error) {
        reject(req.response().putHeader(HttpHeaders.CONNECTION, "close"), rid, endpoint, null, key, t0, error);
        req.handler(chunk -> { });
        req.exceptionHandler(e -> { });
        req.endHandler(v -> req.connection().close());
        exchanges.vertx().setTimer(LINGER_MS, id -> req.connection().close());
        req.resume();
    }

    /** Runs {@code work}; anything it throws before the client has an answer becomes a 500 in OpenAI's shape. */
    private void answered(RoutingContext ctx, Endpoint endpoint, String rid, ApiKey key, long t0, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "request %s failed before an upstream was called", rid);
            if (!ctx.response().headWritten() && !ctx.response().ended()) {
                reject(ctx.response(), rid, endpoint, null, key, t0, new OpenAiError(500, "server_error", "internal_error", null,
                        "The router failed to handle this request: " + e.getClass().getSimpleName(), null));
            }
        }
    }

    private void start(RoutingContext ctx, Endpoint endpoint, String rid, ApiKey key, Buffer raw, long t0, boolean headerLocal) {
        HttpServerResponse resp = ctx.response();
        ProxyRequest.Forward forward = null;
        ObjectNode body;
        if (endpoint.rawRequest()) {
            String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
            body = formFields(raw, contentType);
            if (body == null) {
                reject(resp, rid, endpoint, null, key, t0, OpenAiError.invalid(
                        "The request must be multipart/form-data with a `model` field and the audio `file`.", null, null));
                return;
            }
            forward = new ProxyRequest.Forward(contentType, raw, null);
        } else {
            JsonNode parsed;
            try {
                parsed = mapper.readTree(raw.getBytes());
            } catch (Exception e) {
                reject(resp, rid, endpoint, null, key, t0, OpenAiError.invalid("We could not parse the JSON body of your request.", null, null));
                return;
            }
            if (!(parsed instanceof ObjectNode object)) {
                reject(resp, rid, endpoint, null, key, t0, OpenAiError.invalid("The request body must be a JSON object.", null, null));
                return;
            }
            body = object;
        }
        if (endpoint.anthropicClient()) {
            String problem = !body.path("messages").isArray() ? "messages: Field required"
                    : endpoint == Endpoint.MESSAGES && !body.path("max_tokens").canConvertToLong() ? "max_tokens: Field required" : null;
            if (problem != null) {
                reject(resp, rid, endpoint, null, key, t0, OpenAiError.invalid(problem, null, null));
                return;
            }
            forward = new ProxyRequest.Forward(null, null, ctx.request().getHeader("anthropic-beta"));
        }
        String model = body.path("model").asText("");
        if (model.isEmpty()) {
            reject(resp, rid, endpoint, null, key, t0, OpenAiError.invalid("you must provide a model parameter", "model", "missing_required_parameter"));
            return;
        }
        RouterSettings.Route route = settings.routes().get(model);
        if (route == null) {
            reject(resp, rid, endpoint, null, key, t0, new OpenAiError(404, "invalid_request_error", "model_not_found", "model",
                    "The model `" + model + "` does not exist here; routes: " + String.join(", ", settings.routes().keySet()), null));
            return;
        }
        if (route.kind() != endpoint.kind()) {
            reject(resp, rid, endpoint, null, key, t0, OpenAiError.invalid("The route `" + model + "` serves " + route.kind().key()
                    + ", not " + endpoint.kind().key() + " (its `kind` in [router.routes." + model + "]).", "model", "wrong_route_kind"));
            return;
        }
        if (!key.allows(model)) {
            reject(resp, rid, endpoint, model, key, t0, new OpenAiError(403, "invalid_request_error", "model_not_allowed", "model",
                    "This API key may not use the model `" + model + "`.", null));
            return;
        }
        if (!keys.admit(key)) {
            reject(resp, rid, endpoint, model, key, t0, new OpenAiError(429, "requests", "rate_limit_exceeded", null,
                    "Rate limit reached for this API key: " + key.rpm() + " requests per minute.", null));
            return;
        }
        boolean stream = endpoint.streams && body.path("stream").asBoolean(false);
        boolean localOnly = endpoint.localOnly() || route.localOnly() || key.localOnly() || headerLocal;
        long session = route.sticky() ? StickySessions.key(model, key.id(), ctx.request().getHeader(StickySessions.SESSION_HEADER), body) : 0;
        List<Target> ordered = planner.order(model, route.strategy(), targets.route(model), localOnly, System.nanoTime(), session);
        if (!endpoint.anthropicTargets()) {
            ordered.removeIf(t -> t.upstream().anthropic());
        }
        if (endpoint == Endpoint.COUNT_TOKENS && !ordered.isEmpty() && ordered.removeIf(t -> !endpoint.servedBy(t)) && ordered.isEmpty()) {
            reject(resp, rid, endpoint, model, key, t0, new OpenAiError(501, "invalid_request_error", "not_supported", null,
                    "No target of route `" + model + "` can count tokens: only Anthropic and vLLM targets can.", null));
            return;
        }
        if (ordered.isEmpty()) {
            reject(resp, rid, endpoint, model, key, t0, new OpenAiError(503, "upstream_error", "no_backend", null,
                    localOnly ? "This request is local-only and route `" + model + "` has no local target for it." :
                            "Route `" + model + "` has no target for this endpoint.", null));
            return;
        }
        Replays.Sink sink = null;
        String idempotencyKey = ctx.request().getHeader(Replays.IDEMPOTENCY_HEADER);
        if (replays.applies(route, idempotencyKey, stream, localOnly)) {
            Replays.Decision d = replays.decide(route, endpoint.ledgerName(), key.id(), idempotencyKey, localOnly, raw.getBytes());
            switch (d.kind()) {
                case REPLAY -> {
                    replay(resp, rid, endpoint, model, key, t0, d);
                    return;
                }
                case KEY_REUSED -> {
                    reject(resp, rid, endpoint, model, key, t0, new OpenAiError(409, "invalid_request_error", "idempotency_key_reused",
                            null, "This Idempotency-Key was already used with a different request; use a new key for a new request.", null));
                    return;
                }
                case IN_FLIGHT -> {
                    reject(resp, rid, endpoint, model, key, t0, new OpenAiError(409, "invalid_request_error", "idempotency_key_in_flight",
                            null, "The request with this Idempotency-Key is still being answered; retry in a moment for its answer.", null));
                    return;
                }
                default -> sink = d.sink();
            }
        }
        new Exchange(exchanges, ProxyRequest.of(endpoint, rid, t0, key, model, body, stream, raw.length(), forward), resp, ordered)
                .whenFull(route.whenFull(), targets.queue(model)).keeping(sink).start();
    }

    /** A stored answer, given again: an idempotent retry ({@code Idempotent-Replayed}) or a cache hit ({@code X-Sparkd-Cache}). */
    private void replay(HttpServerResponse resp, String rid, Endpoint endpoint, String route, ApiKey key, long t0, Replays.Decision d) {
        resp.setStatusCode(d.answer().status());
        resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        resp.putHeader("X-Request-Id", rid);
        if (d.answer().target() != null) {
            resp.putHeader("X-Sparkd-Target", d.answer().target());
        }
        resp.putHeader(d.fromCache() ? "X-Sparkd-Cache" : "Idempotent-Replayed", d.fromCache() ? "hit" : "true");
        resp.end(Buffer.buffer(d.answer().body()));
        long nanos = System.nanoTime() - t0;
        recorder.record(new LedgerEntry(Instant.now(), rid, endpoint.ledgerName(), route, null, null, key.id(), d.answer().status(),
                d.fromCache() ? "cache_hit" : "replayed", null, 0, 0, 0, nanos / 1e6, null, false, 0, null), nanos, -1);
    }

    /** An upload's text fields as an object ({@code stream} as a boolean), or null when it is no form with a model. */
    private ObjectNode formFields(Buffer raw, String contentType) {
        String boundary = MultipartForm.boundary(contentType);
        var fields = boundary == null ? null : MultipartForm.fields(raw, boundary);
        if (fields == null || !fields.containsKey("model")) {
            return null;
        }
        ObjectNode body = mapper.createObjectNode();
        fields.forEach((name, f) -> body.put(name, f.value()));
        body.put("stream", "true".equalsIgnoreCase(body.path("stream").asText()));
        return body;
    }

    private void reject(HttpServerResponse resp, String rid, Endpoint endpoint, String route, ApiKey key, long t0, OpenAiError e) {
        reply(resp, rid, e, endpoint);
        rejected(rid, endpoint, route, key.id(), e.status(), e.code() == null ? "rejected" : e.code(), t0);
    }

    private void rejected(String rid, Endpoint endpoint, String route, String keyId, int status, String why, long t0) {
        long nanos = System.nanoTime() - t0;
        LedgerEntry entry = new LedgerEntry(Instant.now(), rid, endpoint.ledgerName(), route, null, null, keyId, status, "rejected", why, 0,
                0, 0, nanos / 1e6, null, false, 0, null);
        if (status == 401 || route == null) {
            // unauthenticated or malformed: counted, never a ledger row (a flood of them must not fill the disk)
            refusals.count(status == 401 ? Reason.API_KEY : Reason.MALFORMED);
            recorder.refused(entry, nanos);
            return;
        }
        recorder.record(entry, nanos, -1);
    }

    static void reply(HttpServerResponse resp, String rid, OpenAiError e) {
        reply(resp, rid, e, Endpoint.CHAT);
    }

    /** An error answer in the endpoint's dialect (Anthropic's on {@code /v1/messages}). */
    static void reply(HttpServerResponse resp, String rid, OpenAiError e, Endpoint endpoint) {
        resp.setStatusCode(e.status());
        resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        resp.putHeader("X-Request-Id", rid);
        resp.end(Translations.errorBody(endpoint, e, rid));
    }

    /** {@code GET /v1/models}: the routes this caller may use that have a reachable target it may use. */
    private void models(RoutingContext ctx) {
        String rid = requestId(ctx.request());
        ApiKey key = authenticate(ctx.request(), rid);
        if (key == null) {
            refusals.count(Reason.API_KEY);
            return;
        }
        Boolean headerLocal = localOnlyHeader(ctx.request().getHeader(LOCAL_ONLY_HEADER));
        if (headerLocal == null) {
            refusals.count(Reason.MALFORMED);
            reply(ctx.response(), rid, badLocalOnly());
            return;
        }
        long now = System.nanoTime();
        long created = System.currentTimeMillis() / 1000;
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (var e : settings.routes().entrySet()) {
                String name = e.getKey();
                boolean localOnly = e.getValue().localOnly() || key.localOnly() || headerLocal;
                if (!key.allows(name) || targets.route(name).stream().noneMatch(t -> !(localOnly && !t.local()) && t.usable(now))) {
                    continue;
                }
                g.writeStartObject();
                g.writeStringField("id", name);
                g.writeStringField("object", "model");
                g.writeNumberField("created", created);
                g.writeStringField("owned_by", "sparkd");
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").putHeader("X-Request-Id", rid).end(out.toString());
    }
}
