package dev.sparkd.router.proxy;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkd.router.anthropic.AnthropicStream;
import dev.sparkd.router.anthropic.AnthropicTranslation;
import dev.sparkd.router.budget.Budgets;
import dev.sparkd.router.keys.ApiKey;
import dev.sparkd.router.ledger.LedgerEntry;
import dev.sparkd.router.target.Target;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;

/**
 * One proxied request, start to end, on the event loop of the caller's connection (so it needs no locks).
 *
 * <p>Targets are tried in the planner's order. Before the first byte reaches the client, a connect error, a timeout,
 * 408/429/5xx, or a stream that breaks before its first event moves on to the next target (with backoff). After it,
 * an upstream failure becomes a final SSE error event and the response ends cleanly. A client that goes away resets
 * the upstream request. Exactly one ledger entry is written per exchange ({@link #finish}).
 */
final class Exchange {
    private static final Buffer DONE_EVENT = Buffer.buffer("data: [DONE]\n\n");

    private final ProxyRoutes p;
    private final HttpServerResponse resp;
    private final Endpoint endpoint;
    private final String requestId;
    private final long t0;
    private final ApiKey key;
    private final String route;
    private final String strategy;
    private final ObjectNode body;
    private final String requestedModel;
    private final boolean stream;
    private final boolean clientWantsUsage;
    private final List<Target> candidates;
    private final long promptEstimate;

    private int next;
    private int attempts;
    private boolean budgetSkipped;
    private StringBuilder fallbacks;
    private String fallbackFrom;
    private String fallbackReason;
    private OpenAiError lastError;

    private Target active;
    private Budgets.Reservation reservation;
    private HttpClientRequest upstreamRequest;
    private HttpClientResponse upstreamResponse;
    private long timer = -1;
    private long sentAt;
    private long preOverhead = -1;
    private boolean headersSent;
    private boolean done;
    private boolean finished;
    private boolean upstreamEnded;
    private long ttft = -1;
    private long promptTokens;
    private long completionTokens;
    private SseFramer framer;
    private AnthropicStream anthropicStream;
    private int attemptNo;

    Exchange(ProxyRoutes p, HttpServerResponse resp, Endpoint endpoint, String requestId, long t0, ApiKey key, String route,
            String strategy, ObjectNode body, boolean stream, List<Target> candidates, long promptEstimate) {
        this.p = p;
        this.resp = resp;
        this.endpoint = endpoint;
        this.requestId = requestId;
        this.t0 = t0;
        this.key = key;
        this.route = route;
        this.strategy = strategy;
        this.body = body;
        this.requestedModel = body.path("model").asText();
        this.stream = stream;
        this.clientWantsUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        this.candidates = candidates;
        this.promptEstimate = promptEstimate;
    }

    void start() {
        resp.closeHandler(v -> clientClosed());
        if (stream && !clientWantsUsage) {
            // ask for the usage chunk upstream so the ledger has tokens; it is removed before it reaches the client
            body.putObject("stream_options").put("include_usage", true);
        }
        nextTarget();
    }

    private void nextTarget() {
        while (!finished) {
            if (next >= candidates.size() || attempts >= p.settings.maxAttempts()) {
                failFinal();
                return;
            }
            Target t = candidates.get(next++);
            long now = System.nanoTime();
            Budgets.Reservation r = null;
            if (t.cloud()) {
                String model = t.modelFor(requestedModel);
                long maxOut = body.path("max_completion_tokens").asLong(body.path("max_tokens").asLong(p.settings.reserveOutputTokens()));
                double estimate = p.budgets.cost(model, promptEstimate, endpoint == Endpoint.EMBEDDINGS ? 0 : maxOut);
                r = p.budgets.reserve(t.service(), key.id(), key.budget(), estimate);
                if (r == null) {
                    budgetSkipped = true;
                    skipped(t, "budget");
                    continue;
                }
            }
            if (!t.breaker().tryAcquire(now)) {
                p.budgets.settle(r, t.service(), key.id(), 0);
                skipped(t, "breaker_open");
                continue;
            }
            reservation = r;
            attempts++;
            if (fallbackFrom != null) {
                p.metrics.fallback(route, fallbackFrom, t.id(), fallbackReason);
                fallbackFrom = null;
            }
            long backoff = attempts > 1 ? p.settings.retryBackoff().toMillis() << Math.min(attempts - 2, 6) : 0;
            if (backoff > 0) {
                active = t;
                t.inFlight().incrementAndGet();
                p.vertx.setTimer(backoff, id -> {
                    if (!finished) {
                        send(t);
                    }
                });
            } else {
                active = t;
                t.inFlight().incrementAndGet();
                send(t);
            }
            return;
        }
    }

    private void skipped(Target t, String reason) {
        noteFallback(t, reason);
    }

    private void noteFallback(Target t, String reason) {
        if (fallbacks == null) {
            fallbacks = new StringBuilder();
        } else {
            fallbacks.append(' ');
        }
        fallbacks.append(t.id()).append('(').append(reason).append(')');
        fallbackFrom = t.id();
        fallbackReason = reason;
    }

    private void send(Target t) {
        int myAttempt = ++attemptNo;
        boolean anthropic = t.upstream().anthropic();
        String model = t.modelFor(requestedModel);
        byte[] payload;
        try {
            if (anthropic) {
                payload = p.mapper.writeValueAsBytes(AnthropicTranslation.request(body, model, stream, p.mapper));
            } else {
                body.put("model", model);
                payload = p.mapper.writeValueAsBytes(body);
            }
        } catch (Exception e) {
            attemptFailed(t, "bad_request", new OpenAiError(400, "invalid_request_error", "unsupported_content", null,
                    "cannot translate the request for " + t.provider() + ": " + e.getMessage(), t.service()), false);
            return;
        }
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost(t.upstream().host()).setPort(t.upstream().port())
                .setURI(t.upstream().path(anthropic ? "/messages" : endpoint.path()));
        o.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        o.putHeader(HttpHeaders.ACCEPT, stream ? "text/event-stream" : "application/json");
        String apiKey = t.upstream().def().apiKey().isPresent() ? t.upstream().apiKey() : null;
        if (anthropic) {
            o.putHeader("x-api-key", apiKey == null ? "" : apiKey);
            o.putHeader("anthropic-version", "2023-06-01");
        } else if (apiKey != null) {
            o.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
        }
        o.putHeader("X-Request-Id", requestId);
        sentAt = System.nanoTime();
        if (preOverhead < 0) {
            preOverhead = sentAt - t0;
        }
        armTimer(t, t.upstream().timeouts().firstToken().toMillis(), "first_token_timeout", myAttempt);
        t.upstream().client().request(o).onComplete(ar -> {
            if (finished || myAttempt != attemptNo) {
                if (ar.succeeded()) {
                    ar.result().reset();
                }
                return;
            }
            if (ar.failed()) {
                attemptFailed(t, "connect", new OpenAiError(503, "upstream_error", "backend_unreachable", null,
                        "cannot connect to " + t.service() + ": " + ar.cause().getMessage(), t.service()), true);
                return;
            }
            HttpClientRequest req = ar.result();
            upstreamRequest = req;
            req.send(Buffer.buffer(payload)).onComplete(rr -> {
                if (finished || myAttempt != attemptNo) {
                    return;
                }
                if (rr.failed()) {
                    // Closed before any byte of an answer: a backend that just went down does this on a pooled
                    // keep-alive connection, so it counts as unreachable (503), like a refused connect.
                    attemptFailed(t, "connect", new OpenAiError(503, "upstream_error", "backend_unreachable", null,
                            t.service() + " closed the connection before answering: " + rr.cause().getMessage(), t.service()), true);
                    return;
                }
                onResponse(t, rr.result(), anthropic, myAttempt);
            });
        });
    }

    private void armTimer(Target t, long millis, String reason, int attempt) {
        cancelTimer();
        timer = p.vertx.setTimer(Math.max(1, millis), id -> {
            timer = -1;
            if (finished || attempt != attemptNo) {
                return;
            }
            if (upstreamRequest != null) {
                upstreamRequest.reset();
            }
            if (!headersSent) {
                attemptFailed(t, "timeout", new OpenAiError(504, "upstream_error", "backend_timeout", null,
                        t.service() + ": " + reason.replace('_', ' ') + " after " + millis + " ms", t.service()), true);
            } else {
                streamFailed(t, t.service() + ": " + reason.replace('_', ' ') + " after " + millis + " ms");
            }
        });
    }

    private void cancelTimer() {
        if (timer >= 0) {
            p.vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void onResponse(Target t, HttpClientResponse r, boolean anthropic, int attempt) {
        upstreamResponse = r;
        int status = r.statusCode();
        if (status >= 400) {
            r.body().onComplete(b -> {
                if (finished || attempt != attemptNo) {
                    return;
                }
                cancelTimer();
                boolean retryable = status == 408 || status == 429 || status >= 500;
                OpenAiError e = upstreamError(t, status, b.succeeded() ? b.result() : Buffer.buffer());
                if (retryable) {
                    attemptFailed(t, "http_" + status, e, true);
                } else {
                    t.breaker().onSuccess();
                    finish(e.status(), "upstream_error", e.message(), t);
                    respondError(e);
                }
            });
            return;
        }
        String ct = r.getHeader(HttpHeaders.CONTENT_TYPE);
        if (stream && ct != null && ct.startsWith("text/event-stream")) {
            relayStream(t, r, anthropic, attempt);
            return;
        }
        r.body().onComplete(b -> {
            if (finished || attempt != attemptNo) {
                return;
            }
            cancelTimer();
            if (b.failed()) {
                attemptFailed(t, "truncated", new OpenAiError(502, "upstream_error", "backend_failed", null,
                        t.service() + " broke off its answer: " + b.cause().getMessage(), t.service()), true);
                return;
            }
            Buffer out = b.result();
            long upstreamDone = System.nanoTime();
            try {
                JsonNode root = p.mapper.readTree(out.getBytes());
                if (anthropic) {
                    ObjectNode translated = AnthropicTranslation.response(root, requestedModel, p.mapper);
                    out = Buffer.buffer(p.mapper.writeValueAsBytes(translated));
                    root = translated;
                }
                JsonNode usage = root.path("usage");
                promptTokens = usage.path("prompt_tokens").asLong(0);
                completionTokens = usage.path("completion_tokens").asLong(0);
            } catch (Exception e) {
                attemptFailed(t, "bad_response", new OpenAiError(502, "upstream_error", "bad_response", null,
                        t.service() + " answered with a body that is not JSON", t.service()), true);
                return;
            }
            t.breaker().onSuccess();
            t.observeTtft((upstreamDone - sentAt) / 1e6);
            resp.setStatusCode(status);
            resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
            resp.putHeader("X-Request-Id", requestId);
            resp.putHeader("X-Sparkd-Target", t.id());
            headersSent = true;
            finish(status, "ok", null, t);
            resp.end(out);
            if (attempts == 1) {
                p.metrics.overhead(preOverhead + (System.nanoTime() - upstreamDone));
            }
        });
    }

    private void relayStream(Target t, HttpClientResponse r, boolean anthropic, int attempt) {
        framer = new SseFramer();
        anthropicStream = anthropic ? new AnthropicStream(requestedModel, clientWantsUsage, p.mapper) : null;
        long idle = t.upstream().timeouts().idle().toMillis();
        r.handler(chunk -> {
            if (finished || attempt != attemptNo) {
                return;
            }
            Buffer out = Buffer.buffer(chunk.length() + 64);
            framer.feed(chunk, ev -> onEvent(t, ev, out));
            if (finished || attempt != attemptNo) {
                return;
            }
            if (out.length() > 0) {
                if (!headersSent) {
                    ttft = System.nanoTime() - t0;
                    t.observeTtft((System.nanoTime() - sentAt) / 1e6);
                    resp.setStatusCode(200);
                    resp.setChunked(true);
                    resp.putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream");
                    resp.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
                    resp.putHeader("X-Accel-Buffering", "no");
                    resp.putHeader("X-Request-Id", requestId);
                    resp.putHeader("X-Sparkd-Target", t.id());
                    headersSent = true;
                }
                resp.write(out);
                if (resp.writeQueueFull()) {
                    r.pause();
                    resp.drainHandler(v -> r.resume());
                }
            }
            if (headersSent && !done) {
                armTimer(t, idle, "idle_timeout", attempt);
            }
        });
        r.exceptionHandler(e -> {
            if (!finished && attempt == attemptNo) {
                upstreamBroke(t, t.service() + " broke off the stream: " + e.getMessage());
            }
        });
        r.endHandler(v -> {
            if (finished || attempt != attemptNo) {
                return;
            }
            upstreamEnded = true;
            cancelTimer();
            if (done) {
                t.breaker().onSuccess();
                finish(200, "ok", null, t);
                resp.end();
            } else {
                upstreamBroke(t, t.service() + " ended the stream without [DONE]");
            }
        });
    }

    /** Handles one upstream event: forwards it, translates it, or takes note of usage, [DONE] and errors. */
    private void onEvent(Target t, Buffer ev, Buffer out) {
        if (done || finished) {
            return;
        }
        if (anthropicStream != null) {
            String name = SseFramer.name(ev);
            String data = SseFramer.data(ev);
            if (data == null) {
                return;
            }
            AnthropicStream.Result res = anthropicStream.onEvent(name, data);
            if (res.error() != null) {
                upstreamBroke(t, t.service() + " reported an error in the stream: " + res.error());
                return;
            }
            for (String chunk : res.chunks()) {
                out.appendString("data: ").appendString(chunk).appendString("\n\n");
            }
            if (res.done()) {
                promptTokens = anthropicStream.inputTokens();
                completionTokens = anthropicStream.outputTokens();
                out.appendBuffer(DONE_EVENT);
                done = true;
            }
            return;
        }
        String data = SseFramer.data(ev);
        if (data == null) {
            if (headersSent || out.length() > 0) {
                out.appendBuffer(ev); // comments and keep-alives, once the stream is ours
            }
            return;
        }
        if (data.length() == 6 && data.equals("[DONE]")) {
            done = true;
            out.appendBuffer(ev);
            return;
        }
        // nested {"error":{…}} (vLLM 0.10.1+, llama.cpp, Ollama /v1) or vLLM's flat {"object":"error",…} before 0.10.1
        boolean flat = data.startsWith("{\"object\":\"error\"");
        if (flat || data.startsWith("{\"error\"")) {
            String msg = data;
            try {
                JsonNode node = p.mapper.readTree(data);
                msg = (flat ? node : node.path("error")).path("message").asText(data);
            } catch (Exception e) {
                // keep the raw text
            }
            upstreamBroke(t, t.service() + " reported an error in the stream: " + msg);
            return;
        }
        int u = data.indexOf("\"usage\"");
        if (u >= 0 && hasUsageObject(data, u + 7)) {
            try {
                JsonNode chunk = p.mapper.readTree(data);
                JsonNode usage = chunk.path("usage");
                promptTokens = usage.path("prompt_tokens").asLong(promptTokens);
                completionTokens = usage.path("completion_tokens").asLong(completionTokens);
                JsonNode choices = chunk.path("choices");
                if (!clientWantsUsage && (!choices.isArray() || choices.size() == 0)) {
                    return; // the usage chunk only we asked for
                }
            } catch (Exception e) {
                // not JSON: forward untouched
            }
        }
        out.appendBuffer(ev);
    }

    private static boolean hasUsageObject(String data, int from) {
        for (int i = from; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c == ':' || c == ' ') {
                continue;
            }
            return c == '{';
        }
        return false;
    }

    /** The upstream failed mid-stream: before the first byte to the client it is retried, after it ends the stream. */
    private void upstreamBroke(Target t, String message) {
        if (finished) {
            return;
        }
        cancelTimer();
        if (headersSent) {
            // end the client's stream with this message first: resetting the upstream fires its exception handler,
            // which would otherwise report the reset instead of the upstream's own error
            streamFailed(t, message);
            if (upstreamRequest != null && !upstreamEnded) {
                upstreamRequest.reset();
            }
            return;
        }
        if (upstreamRequest != null && !upstreamEnded) {
            upstreamRequest.reset();
        }
        attemptFailed(t, "stream_error", new OpenAiError(502, "upstream_error", "stream_interrupted", null, message, t.service()), true);
    }

    private void streamFailed(Target t, String message) {
        t.breaker().onFailure(System.nanoTime());
        OpenAiError e = new OpenAiError(502, "upstream_error", "stream_interrupted", null, message, t.service());
        finish(200, "stream_error", message, t);
        resp.end(Buffer.buffer("data: " + e.json(requestId) + "\n\n"));
    }

    private void attemptFailed(Target t, String reason, OpenAiError e, boolean countsAgainstTarget) {
        cancelTimer();
        if (countsAgainstTarget) {
            t.breaker().onFailure(System.nanoTime());
        } else {
            t.breaker().release();
        }
        t.inFlight().decrementAndGet();
        active = null;
        p.budgets.settle(reservation, t.service(), key.id(), 0);
        reservation = null;
        upstreamRequest = null;
        upstreamResponse = null;
        lastError = e;
        noteFallback(t, reason);
        nextTarget();
    }

    private void failFinal() {
        OpenAiError e;
        if (lastError != null) {
            e = lastError;
            if (e.status() >= 500 && e.status() != 503 && e.status() != 504) {
                e = new OpenAiError(502, e.type(), e.code(), e.param(), e.message(), e.backend());
            }
        } else if (budgetSkipped) {
            e = new OpenAiError(429, "insufficient_quota", "budget_exceeded", null, "the budget for route \"" + route
                    + "\" is spent: every cloud target was skipped (" + fallbacks + ") and no local target could answer", null);
        } else {
            e = new OpenAiError(503, "upstream_error", "no_backend", null, "no target of route \"" + route + "\" could take the request"
                    + (fallbacks == null ? "" : ": " + fallbacks), null);
        }
        finish(e.status(), e.status() == 429 && budgetSkipped && lastError == null ? "budget" : "no_backend", e.message(), null);
        respondError(e);
    }

    private void respondError(OpenAiError e) {
        if (resp.ended() || resp.closed()) {
            return;
        }
        headersSent = true;
        resp.setStatusCode(e.status());
        resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        resp.putHeader("X-Request-Id", requestId);
        resp.end(e.json(requestId));
    }

    private void clientClosed() {
        if (finished) {
            return;
        }
        if (active != null) {
            active.breaker().release();
        }
        HttpClientRequest upstream = upstreamEnded ? null : upstreamRequest;
        // finished first: resetting the upstream request fires its exception handler at once, which must not take
        // the client's leaving for a broken stream (a stream_error entry and a breaker failure against the target)
        finish(499, "client_closed", "the client closed the connection", active);
        if (upstream != null) {
            upstream.reset();
        }
    }

    /** Ends the exchange once: frees the target, settles the budget, writes the ledger entry and metrics. */
    private void finish(int status, String outcome, String error, Target t) {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimer();
        if (active != null) {
            active.inFlight().decrementAndGet();
            active = null;
        }
        long end = System.nanoTime();
        String provider = t == null ? null : t.provider();
        double cost = 0;
        if (t != null && t.cloud()) {
            cost = p.budgets.cost(t.modelFor(requestedModel), promptTokens, completionTokens);
        }
        if (t != null) {
            p.budgets.settle(reservation, t.service(), key.id(), cost);
        } else if (reservation != null) {
            p.budgets.settle(reservation, "-", key.id(), 0);
        }
        reservation = null;
        double latencyMs = (end - t0) / 1e6;
        Double ttftMs = ttft >= 0 ? ttft / 1e6 : null;
        p.ledger.record(new LedgerEntry(Instant.now(), requestId, endpoint.name().toLowerCase(), route, t == null ? null : t.id(),
                provider, key.id(), status, outcome, error, promptTokens, completionTokens, cost, latencyMs, ttftMs, stream,
                attempts, fallbacks == null ? null : fallbacks.toString()));
        String target = t == null ? "-" : t.id();
        String prov = provider == null ? "-" : provider;
        p.metrics.request(route, target, prov, outcome, end - t0);
        if (ttft >= 0) {
            p.metrics.ttft(route, prov, ttft);
        }
        if (t != null) {
            p.metrics.tokens(prov, promptTokens, completionTokens, cost);
        }
        p.accessLog(requestId, endpoint, route, target, prov, key.id(), status, outcome, latencyMs, ttftMs, promptTokens,
                completionTokens, cost, attempts, fallbacks, error);
    }

    /** An upstream error body in whatever shape (OpenAI nested, vLLM flat, Anthropic) as an OpenAI error. */
    private OpenAiError upstreamError(Target t, int status, Buffer b) {
        String message = null;
        String type = status == 429 ? "rate_limit_error" : status >= 500 ? "upstream_error" : "invalid_request_error";
        String code = null;
        String param = null;
        try {
            JsonNode root = p.mapper.readTree(b.getBytes());
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
            apiKey = t.upstream().def().apiKey().isPresent() ? t.upstream().apiKey() : null;
        } catch (RuntimeException e) {
            // unreadable key: nothing to redact
        }
        if (apiKey != null && !apiKey.isEmpty()) {
            message = message.replace(apiKey, "[redacted]");
        }
        return new OpenAiError(status, type, code, param, message, t.service());
    }
}
