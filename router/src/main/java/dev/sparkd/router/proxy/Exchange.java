package dev.sparkd.router.proxy;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkd.router.budget.Budgets;
import dev.sparkd.router.config.RouterSettings.WhenFull;
import dev.sparkd.router.ledger.LedgerEntry;
import dev.sparkd.router.replay.Replays;
import dev.sparkd.router.target.RouteQueue;
import dev.sparkd.router.target.Target;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;

/**
 * One proxied request, start to end, on the event loop of the caller's connection (so it needs no locks).
 *
 * <p>Targets are tried in the planner's order, one {@link Attempt} each. Before the first byte reaches the client, a
 * connect error, a timeout, 408/429/5xx, or a stream that breaks before its first event moves on to the next target
 * (with backoff). After it, an upstream failure becomes a final SSE error event and the response ends cleanly. A client
 * that goes away resets the upstream request. The {@link StreamRelay} turns upstream chunks into client bytes; exactly
 * one record is written per exchange ({@link #finish}).
 */
final class Exchange {
    /** Of an upstream's error answer only the message is wanted: the rest is dropped. */
    static final int ERROR_BODY_BYTES = 64 * 1024;
    static final int RETRY_AFTER_SECONDS = 1;
    private final ExchangeContext ctx;
    private final ProxyRequest req;
    private final HttpServerResponse resp;
    private final List<Target> candidates;
    private final String requestedModel;
    private final FallbackTrail trail = new FallbackTrail();

    private int next;
    private int attempts;
    private boolean budgetSkipped;
    private OpenAiError lastError;
    private Attempt attempt;
    private StreamRelay relay;
    private long timer = -1;
    private long preOverhead = -1;
    private long ttft = -1;
    private long promptTokens;
    private long completionTokens;
    private boolean headersSent;
    private boolean finished;
    private WhenFull whenFull = WhenFull.NEXT;
    private RouteQueue queue;
    private boolean sawFull;
    private boolean inQueue;
    private long queueTimer = -1;
    private long queueDeadline;
    private Replays.Sink sink;
    private byte[] answered;

    Exchange(ExchangeContext ctx, ProxyRequest req, HttpServerResponse resp, List<Target> candidates) {
        this.ctx = ctx;
        this.req = req;
        this.resp = resp;
        this.candidates = candidates;
        this.requestedModel = req.body().path("model").asText();
    }

    /** What to do when targets are at their {@code max_in_flight} (the route's {@code when_full}; NEXT unless set). */
    Exchange whenFull(WhenFull policy, RouteQueue queue) {
        this.whenFull = policy;
        this.queue = queue;
        return this;
    }

    /** Where the whole answer goes besides the client (idempotency and cache), when anywhere. */
    Exchange keeping(Replays.Sink sink) {
        this.sink = sink;
        return this;
    }

    void start() {
        resp.closeHandler(v -> clientClosed());
        if (req.stream() && !req.clientWantsUsage()) {
            // ask for the usage chunk upstream so the ledger has tokens; it is removed before it reaches the client
            req.body().putObject("stream_options").put("include_usage", true);
        }
        nextTarget();
    }

    private void nextTarget() {
        while (!finished) {
            if (next >= candidates.size() || attempts >= ctx.settings().maxAttempts()) {
                failFinal();
                return;
            }
            Target t = candidates.get(next++);
            if (!t.upstream().tryEnter()) {
                sawFull = true;
                trail.note(t, "full");
                if (whenFull == WhenFull.REJECT) {
                    failFull();
                    return;
                }
                continue;
            }
            Budgets.Reservation r = null;
            if (t.cloud()) {
                r = reserve(t);
                if (r == null) {
                    t.upstream().leave();
                    budgetSkipped = true;
                    trail.note(t, "budget");
                    continue;
                }
            }
            Attempt a = Attempt.acquire(t, ctx.budgets(), req.key().id(), r, System.nanoTime());
            if (a == null) {
                trail.note(t, "breaker_open");
                continue;
            }
            attempt = a;
            attempts++;
            trail.countFallbackTo(t, req.route(), ctx.metrics());
            long backoff = attempts > 1 ? ctx.settings().retryBackoff().toMillis() << Math.min(attempts - 2, 6) : 0;
            if (backoff > 0) {
                ctx.vertx().setTimer(backoff, id -> {
                    if (!a.closed()) {
                        send(a);
                    }
                });
            } else {
                send(a);
            }
            return;
        }
    }

    /** Reserves the worst case of a cloud attempt: prompt estimate plus the most it may write, for each of n choices. */
    private Budgets.Reservation reserve(Target t) {
        long maxOut = req.endpoint() == Endpoint.EMBEDDINGS ? 0 : Budgets.maxOutputTokens(req.body(), ctx.settings().reserveOutputTokens());
        double estimate = ctx.budgets().cost(t.modelFor(requestedModel), req.promptEstimate(), maxOut);
        return ctx.budgets().reserve(t.service(), req.key().id(), req.key().budget(), estimate);
    }

    private void send(Attempt a) {
        Target t = a.target;
        Buffer payload;
        try {
            payload = Translations.payload(t, req, requestedModel, ctx.mapper());
        } catch (Exception e) {
            attemptFailed(a, "bad_request", new OpenAiError(400, "invalid_request_error", "unsupported_content", null,
                    "cannot translate the request for " + t.provider() + ": " + e.getMessage(), t.service()), Attempt.Verdict.NONE);
            return;
        }
        RequestOptions options;
        try {
            options = UpstreamCalls.options(t, req);
        } catch (RuntimeException e) {
            // e.g. the provider's key file is unreadable: this target cannot be called, the next one may
            attemptFailed(a, "misconfigured", new OpenAiError(502, "upstream_error", "backend_misconfigured", null,
                    "cannot call " + t.service() + ": " + e.getMessage(), t.service()), Attempt.Verdict.FAILURE);
            return;
        }
        a.sentAt = System.nanoTime();
        if (preOverhead < 0) {
            preOverhead = a.sentAt - req.t0();
        }
        armTimer(a, t.upstream().timeouts().firstToken().toMillis(), "first token timeout");
        t.upstream().client().request(options).onComplete(ar -> {
            if (a.closed()) {
                if (ar.succeeded()) {
                    ar.result().reset();
                }
                return;
            }
            if (ar.failed()) {
                attemptFailed(a, "connect", new OpenAiError(503, "upstream_error", "backend_unreachable", null,
                        "cannot connect to " + t.service() + ": " + ar.cause().getMessage(), t.service()), Attempt.Verdict.FAILURE);
                return;
            }
            HttpClientRequest upstream = ar.result();
            a.request = upstream;
            upstream.send(payload).onComplete(rr -> {
                if (a.closed()) {
                    return;
                }
                if (rr.failed()) {
                    // Closed before any byte of an answer: a backend that just went down does this on a pooled
                    // keep-alive connection, so it counts as unreachable (503), like a refused connect.
                    attemptFailed(a, "connect", new OpenAiError(503, "upstream_error", "backend_unreachable", null,
                            t.service() + " closed the connection before answering: " + rr.cause().getMessage(), t.service()),
                            Attempt.Verdict.FAILURE);
                    return;
                }
                onResponse(a, rr.result());
            });
        });
    }

    private void armTimer(Attempt a, long millis, String what) {
        cancelTimer();
        timer = ctx.vertx().setTimer(Math.max(1, millis), id -> {
            timer = -1;
            if (a.closed()) {
                return;
            }
            String message = a.target.service() + ": " + what + " after " + millis + " ms";
            if (!headersSent) {
                attemptFailed(a, "timeout", new OpenAiError(504, "upstream_error", "backend_timeout", null, message, a.target.service()),
                        Attempt.Verdict.FAILURE);
            } else {
                streamFailed(a, message);
            }
        });
    }

    private void cancelTimer() {
        if (timer >= 0) {
            ctx.vertx().cancelTimer(timer);
            timer = -1;
        }
    }

    private void onResponse(Attempt a, HttpClientResponse r) {
        int status = r.statusCode();
        if (status >= 400) {
            BoundedBody.head(r, ERROR_BODY_BYTES).onComplete(b -> {
                if (a.closed()) {
                    return;
                }
                a.upstreamEnded = b.succeeded();
                cancelTimer();
                OpenAiError e = UpstreamCalls.error(a.target, status, b.succeeded() ? b.result() : Buffer.buffer(), ctx.mapper());
                if (status == 408 || status == 429 || status >= 500) {
                    attemptFailed(a, "http_" + status, e, Attempt.Verdict.FAILURE);
                } else if (status == 401 || status == 403) {
                    // the router's credentials for this backend (the caller's key never goes upstream): another target may work
                    attemptFailed(a, "auth_" + status, new OpenAiError(502, "upstream_error", "upstream_auth_failed", null,
                            a.target.service() + " (" + a.target.provider() + ") refused the router's credentials for it (HTTP " + status
                                    + "): " + e.message() + " — the service's api_key_file needs fixing; your own API key is fine",
                            a.target.service()), Attempt.Verdict.FAILURE);
                } else if (status == 404) {
                    // "model not found" (not pulled, pruned, another model loaded): the next target may have it
                    attemptFailed(a, "not_found", new OpenAiError(502, "upstream_error", "backend_model_not_found", null,
                            a.target.service() + " does not serve model \"" + a.target.modelFor(requestedModel) + "\" (HTTP 404): "
                                    + e.message(), a.target.service()), Attempt.Verdict.FAILURE);
                } else {
                    // the caller's mistake: the target is fine
                    finish(e.status(), "upstream_error", e.message(), Attempt.Verdict.SUCCESS);
                    respondError(e);
                }
            });
            return;
        }
        if (req.endpoint().rawResponse()) {
            pipe(a, r, status);
            return;
        }
        String ct = r.getHeader(HttpHeaders.CONTENT_TYPE);
        if (req.stream() && ct != null && ct.startsWith("text/event-stream")) {
            relayStream(a, r);
            return;
        }
        BoundedBody.of(r, ctx.settings().limits().responseBytes()).onComplete(b -> {
            if (a.closed()) {
                return;
            }
            a.upstreamEnded = b.succeeded();
            cancelTimer();
            if (b.cause() instanceof BoundedBody.TooLarge tooLarge) {
                attemptFailed(a, "too_large", new OpenAiError(502, "upstream_error", "response_too_large", null, a.target.service()
                        + " answered with more than " + tooLarge.limit + " bytes ([router] max_response_size)", a.target.service()),
                        Attempt.Verdict.FAILURE);
                return;
            }
            if (b.failed()) {
                attemptFailed(a, "truncated", new OpenAiError(502, "upstream_error", "backend_failed", null,
                        a.target.service() + " broke off its answer: " + b.cause().getMessage(), a.target.service()), Attempt.Verdict.FAILURE);
                return;
            }
            answer(a, status, b.result());
        });
    }

    /** A whole (non-streamed) answer: translated when it is Anthropic's, usage noted, sent on. */
    private void answer(Attempt a, int status, Buffer out) {
        long upstreamDone = System.nanoTime();
        try {
            Translations.Answer translated = Translations.answer(req, a.target, out, requestedModel, ctx.mapper());
            out = translated.body();
            promptTokens = translated.promptTokens();
            completionTokens = translated.completionTokens();
        } catch (Exception e) {
            attemptFailed(a, "bad_response", new OpenAiError(502, "upstream_error", "bad_response", null,
                    a.target.service() + " answered with a body that is not JSON", a.target.service()), Attempt.Verdict.FAILURE);
            return;
        }
        a.target.observeTtft((upstreamDone - a.sentAt) / 1e6);
        resp.setStatusCode(status);
        resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        resp.putHeader("X-Request-Id", req.requestId());
        resp.putHeader("X-Sparkd-Target", a.target.id());
        headersSent = true;
        if (sink != null) {
            answered = out.getBytes();
        }
        finish(status, "ok", null, Attempt.Verdict.SUCCESS);
        resp.end(out);
        if (attempts == 1) {
            ctx.metrics().overhead(req.route(), a.target.id(), preOverhead + (System.nanoTime() - upstreamDone));
        }
    }

    private void relayStream(Attempt a, HttpClientResponse r) {
        Target t = a.target;
        StreamRelay relay = new StreamRelay(ctx.mapper(), req.clientWantsUsage(), Translations.stream(req, t, requestedModel, ctx.mapper()),
                ctx.settings().limits().eventBytes());
        this.relay = relay;
        long idle = t.upstream().timeouts().idle().toMillis();
        r.handler(chunk -> {
            if (a.closed()) {
                return;
            }
            Buffer out = Buffer.buffer(chunk.length() + 64);
            String error = relay.relay(chunk, out, headersSent);
            if (error != null) {
                // what came before the error in this chunk is dropped with it: a retry starts clean
                upstreamBroke(a, t.service() + " reported an error in the stream: " + error);
                return;
            }
            if (out.length() > 0) {
                if (!headersSent) {
                    sendStreamHeaders(a);
                }
                resp.write(out);
                if (resp.writeQueueFull()) {
                    r.pause();
                    resp.drainHandler(v -> r.resume());
                }
            }
            if (headersSent && !relay.done()) {
                armTimer(a, idle, "idle timeout");
            }
        });
        r.exceptionHandler(e -> {
            if (!a.closed()) {
                upstreamBroke(a, t.service() + " broke off the stream: " + e.getMessage());
            }
        });
        r.endHandler(v -> {
            if (a.closed()) {
                return;
            }
            a.upstreamEnded = true;
            cancelTimer();
            if (relay.done()) {
                finish(200, "ok", null, Attempt.Verdict.SUCCESS);
                resp.end();
            } else {
                upstreamBroke(a, t.service() + " ended the stream without [DONE]");
            }
        });
    }

    /** An answer that is not ours to read (audio, a transcript in any format): status, type and bytes as they come. */
    private void pipe(Attempt a, HttpClientResponse r, int status) {
        long idle = a.target.upstream().timeouts().idle().toMillis();
        sendStreamHeaders(a);
        resp.setStatusCode(status);
        String ct = r.getHeader(HttpHeaders.CONTENT_TYPE);
        resp.putHeader(HttpHeaders.CONTENT_TYPE, ct == null ? "application/octet-stream" : ct);
        resp.headers().remove("X-Accel-Buffering");
        armTimer(a, idle, "idle timeout");
        r.handler(chunk -> {
            if (a.closed()) {
                return;
            }
            resp.write(chunk);
            if (resp.writeQueueFull()) {
                r.pause();
                resp.drainHandler(v -> r.resume());
            }
            armTimer(a, idle, "idle timeout");
        });
        r.exceptionHandler(e -> {
            if (!a.closed()) {
                upstreamBroke(a, a.target.service() + " broke off its answer: " + e.getMessage());
            }
        });
        r.endHandler(v -> {
            if (a.closed()) {
                return;
            }
            a.upstreamEnded = true;
            cancelTimer();
            finish(status, "ok", null, Attempt.Verdict.SUCCESS);
            resp.end();
        });
    }

    private void sendStreamHeaders(Attempt a) {
        long now = System.nanoTime();
        ttft = now - req.t0();
        a.target.observeTtft((now - a.sentAt) / 1e6);
        resp.setStatusCode(200);
        resp.setChunked(true);
        resp.putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream");
        resp.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        resp.putHeader("X-Accel-Buffering", "no");
        resp.putHeader("X-Request-Id", req.requestId());
        resp.putHeader("X-Sparkd-Target", a.target.id());
        headersSent = true;
    }

    /** The upstream failed mid-stream: before the first byte to the client it is retried, after it ends the stream. */
    private void upstreamBroke(Attempt a, String message) {
        cancelTimer();
        if (!headersSent) {
            attemptFailed(a, "stream_error", new OpenAiError(502, "upstream_error", "stream_interrupted", null, message,
                    a.target.service()), Attempt.Verdict.FAILURE);
        } else {
            streamFailed(a, message);
        }
    }

    private void streamFailed(Attempt a, String message) {
        OpenAiError e = new OpenAiError(502, "upstream_error", "stream_interrupted", null, message, a.target.service());
        finish(200, "stream_error", message, Attempt.Verdict.FAILURE);
        if (req.endpoint().rawResponse()) {
            resp.reset(); // bytes of unknown type: only a broken connection tells the client the answer is cut short
            return;
        }
        resp.end(Buffer.buffer(Translations.streamError(req.endpoint(), e, req.requestId())));
    }

    private void attemptFailed(Attempt a, String reason, OpenAiError e, Attempt.Verdict verdict) {
        cancelTimer();
        a.close(verdict, 0);
        relay = null;
        lastError = e;
        trail.note(a.target, reason);
        nextTarget();
    }

    private void failFinal() {
        if (sawFull && lastError == null && !budgetSkipped) {
            if (whenFull == WhenFull.QUEUE && queue != null && attempts == 0) {
                waitForSlot();
            } else {
                failFull();
            }
            return;
        }
        OpenAiError e;
        String outcome = "no_backend";
        if (lastError != null) {
            e = lastError.asGateway();
        } else if (budgetSkipped) {
            e = new OpenAiError(429, "insufficient_quota", "budget_exceeded", null, "the budget for route \"" + req.route()
                    + "\" is spent: every cloud target was skipped (" + trail.text() + ") and no local target could answer", null);
            outcome = "budget";
        } else {
            String tried = trail.text();
            e = new OpenAiError(503, "upstream_error", "no_backend", null, "no target of route \"" + req.route()
                    + "\" could take the request" + (tried == null ? "" : ": " + tried), null);
        }
        attempt = null; // every attempt is closed: the entry names no target
        finish(e.status(), outcome, e.message(), Attempt.Verdict.NONE);
        respondError(e);
    }

    /** Every target the request may use is at its {@code max_in_flight}: 429, and when to come back. */
    private void failFull() {
        leaveQueue();
        attempt = null;
        OpenAiError e = new OpenAiError(429, "rate_limit_error", "capacity_exceeded", null, "every target of route \"" + req.route()
                + "\" is at its max_in_flight (" + trail.text() + "); retry after " + RETRY_AFTER_SECONDS + " s", null);
        finish(429, "full", e.message(), Attempt.Verdict.NONE);
        if (!resp.ended() && !resp.closed()) {
            resp.putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
        respondError(e);
    }

    /**
     * {@code when_full = "queue"}: waits, in the route's bounded queue, for any candidate's service to give a slot back,
     * then plans again from the first candidate; at the queue's deadline (or when it is full) the answer is 429.
     */
    private void waitForSlot() {
        if (!inQueue) {
            if (!queue.enter()) {
                failFull();
                return;
            }
            inQueue = true;
            queueDeadline = System.nanoTime() + queue.timeoutNanos();
        }
        long left = (queueDeadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            failFull();
            return;
        }
        Context context = ctx.vertx().getOrCreateContext();
        AtomicBoolean woken = new AtomicBoolean();
        BooleanSupplier wake = () -> {
            if (!woken.compareAndSet(false, true)) {
                return false;
            }
            context.runOnContext(v -> retryFromQueue());
            return true;
        };
        for (Target t : candidates) {
            t.upstream().await(wake);
        }
        queueTimer = ctx.vertx().setTimer(left, id -> {
            queueTimer = -1;
            if (woken.compareAndSet(false, true) && !finished) {
                failFull();
            }
        });
        // a slot may have come free between the last try and registering: look once more
        for (Target t : candidates) {
            if (!t.upstream().full() && woken.compareAndSet(false, true)) {
                context.runOnContext(v -> retryFromQueue());
                return;
            }
        }
    }

    private void retryFromQueue() {
        if (queueTimer >= 0) {
            ctx.vertx().cancelTimer(queueTimer);
            queueTimer = -1;
        }
        if (finished) {
            leaveQueue();
            return;
        }
        next = 0;
        sawFull = false;
        nextTarget();
        if (attempt != null || finished) {
            leaveQueue();
        }
    }

    private void leaveQueue() {
        if (inQueue) {
            inQueue = false;
            queue.leave();
        }
    }

    private void respondError(OpenAiError e) {
        if (resp.ended() || resp.closed()) {
            return;
        }
        headersSent = true;
        ProxyRoutes.reply(resp, req.requestId(), e, req.endpoint());
    }

    private void clientClosed() {
        if (finished) {
            return;
        }
        // closing the attempt resets the upstream request, after the attempt is closed, so that the reset is not taken
        // for a broken stream (a stream_error entry and a breaker failure against the target)
        finish(499, "client_closed", "the client closed the connection", Attempt.Verdict.NONE);
    }

    /**
     * Ends the exchange once: closes the current attempt with the real cost (which resets an unfinished upstream
     * request), and records the request.
     */
    private void finish(int status, String outcome, String error, Attempt.Verdict verdict) {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimer();
        leaveQueue();
        if (sink != null) {
            if (answered != null) {
                sink.answered(status, answered, attempt == null ? null : attempt.target.id());
            } else {
                sink.abandoned();
            }
        }
        if (relay != null) {
            promptTokens = relay.promptTokens();
            completionTokens = relay.completionTokens();
        }
        Target t = attempt == null ? null : attempt.target;
        double cost = t != null && t.cloud() ? ctx.budgets().cost(t.modelFor(requestedModel), promptTokens, completionTokens) : 0;
        if (t != null && t.cloud() && attempt.sentAt > 0 && promptTokens == 0 && completionTokens == 0) {
            // no usage from the provider (client gone, stream error, timeout), which bills anyway: charge the prompt
            // estimate and the tokens already relayed
            cost = ctx.budgets().cost(t.modelFor(requestedModel), req.promptEstimate(), relay == null ? 0 : relay.relayedTokens());
        }
        long end = System.nanoTime();
        LedgerEntry entry = new LedgerEntry(Instant.now(), req.requestId(), req.endpointName(), req.route(), t == null ? null : t.id(),
                t == null ? null : t.provider(), req.key().id(), status, outcome, error, promptTokens, completionTokens, cost,
                (end - req.t0()) / 1e6, ttft >= 0 ? ttft / 1e6 : null, req.stream(), attempts, trail.text());
        // recorded before the attempt is closed: closing resets an unfinished upstream request, and whoever watches
        // that upstream (a test, an operator) must then find the request in the ledger's queue
        ctx.recorder().record(entry, end - req.t0(), ttft);
        if (attempt != null) {
            attempt.close(verdict, cost);
        }
    }
}
