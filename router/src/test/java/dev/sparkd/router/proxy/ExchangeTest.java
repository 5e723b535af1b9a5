package dev.sparkd.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.router.LeavingClient;
import dev.sparkd.router.metrics.RouterMetrics;
import dev.sparkd.router.budget.Budgets;
import dev.sparkd.router.config.RouterSettings;
import dev.sparkd.router.keys.ApiKey;
import dev.sparkd.router.ledger.LedgerEntry;
import dev.sparkd.router.target.Breaker;
import dev.sparkd.router.target.Target;
import dev.sparkd.router.target.Targets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * One exchange against fake upstreams (local Vert.x servers), end to end through a real HTTP client: fallback before
 * the first byte, the attempt limit, timeouts, failures after the first byte, and a client that leaves — and after
 * each, the breaker, the in-flight count and the budget are given back exactly once.
 */
class ExchangeTest {
    static final String CHUNK = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"4\"},"
            + "\"finish_reason\":null}]}\n\n";
    static final String USAGE = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":1,\"total_tokens\":8}}\n\n";
    static final String ANSWER = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"4\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":1,\"total_tokens\":8}}";

    Path dir;
    Vertx vertx;
    final List<Fake> fakes = new ArrayList<>();
    final List<LedgerEntry> entries = new CopyOnWriteArrayList<>();
    Targets targets;
    Budgets budgets;
    HttpServer router;
    int routerPort;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final ObjectMapper mapper = new ObjectMapper();

    /** A fake upstream: answers each request with the current behaviour and counts requests and closed connections. */
    final class Fake {
        final HttpServer server;
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        volatile Consumer<HttpServerRequest> behaviour = req -> req.response().end(ANSWER);

        Fake() throws Exception {
            server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
                requests.incrementAndGet();
                req.connection().closeHandler(v -> closed.incrementAndGet());
                behaviour.accept(req);
            })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        int port() {
            return server.actualPort();
        }
    }

    @BeforeEach
    void startVertx() throws Exception {
        vertx = Vertx.vertx();
        // not under /tmp: the config check refuses state there
        dir = Files.createDirectories(Path.of("target", "exchange-test", String.valueOf(System.nanoTime())).toAbsolutePath());
    }

    @AfterEach
    void stop() {
        if (targets != null) {
            targets.upstreams().forEach(u -> u.close());
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** Three compatible targets a, b, c on fake upstreams, and a cloud target with a budget, behind route {@code r}. */
    void start(int maxAttempts, int breakerFailures) throws Exception {
        for (int i = 0; i < 4; i++) {
            fakes.add(new Fake());
        }
        Path key = Files.writeString(dir.resolve("cloud-key"), "sk-test-secret\n");
        Path config = Files.writeString(dir.resolve("sparkd.toml"), """
                [suite]
                name = "exchange-test"
                state_dir = "%s"

                [services.a]
                kind = "openai"
                provider = "compatible"
                local = true
                url = "http://127.0.0.1:%d"

                [services.b]
                kind = "openai"
                provider = "compatible"
                local = true
                url = "http://127.0.0.1:%d"

                [services.c]
                kind = "openai"
                provider = "compatible"
                local = true
                url = "http://127.0.0.1:%d"

                [services.cloud]
                kind = "openai"
                url = "http://127.0.0.1:%d"
                api_key_file = "%s"

                [router]
                allow_keyless = true
                max_attempts = %d
                retry_backoff = "1ms"
                breaker = { failures = %d, cooldown = "1h" }
                max_response_size = "64KiB"
                max_event_size = "16KiB"

                [router.backends.a]
                first_token_timeout = "300ms"
                idle_timeout = "300ms"

                [router.prices."m"]
                input = 0.0
                output = 100000.0                  # ten cents a token

                [router.budgets.cloud]
                daily = 0.5

                [router.routes.r]
                targets = ["a:m", "b:m", "c:m"]

                [router.routes.cloudy]
                targets = ["cloud:m", "b:m"]

                [router.routes.cloudonly]
                targets = ["cloud:m"]
                """.formatted("state", fakes.get(0).port(), fakes.get(1).port(), fakes.get(2).port(), fakes.get(3).port(), key,
                maxAttempts, breakerFailures));
        targets = new Targets(vertx, ConfigLoader.load(config));
        RouterSettings settings = targets.settings();
        budgets = new Budgets(settings.budgets(), settings.prices(), Clock.systemUTC());
        budgets.markLoaded();
        Recorder recorder = new Recorder(null, null) {
            @Override
            public void record(LedgerEntry e, long nanos, long ttftNanos) {
                entries.add(e);
            }
        };
        RouterMetrics metrics = new RouterMetrics(new SimpleMeterRegistry(), targets, budgets, null);
        ExchangeContext ctx = new ExchangeContext(vertx, settings, budgets, metrics, recorder, mapper);
        router = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(raw -> {
            ObjectNode body = (ObjectNode) uncheckedRead(raw.getBytes());
            String route = body.path("model").asText();
            boolean stream = body.path("stream").asBoolean(false);
            new Exchange(ctx, ProxyRequest.of(Endpoint.CHAT, "rid-" + entries.size(), System.nanoTime(), ApiKey.KEYLESS, route, body, stream,
                    raw.length()), req.response(), new ArrayList<>(targets.route(route))).start();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        routerPort = router.actualPort();
    }

    private Object uncheckedRead(byte[] bytes) {
        try {
            return mapper.readTree(bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> chat(String route, boolean stream) throws Exception {
        String body = "{\"model\":\"" + route + "\",\"stream\":" + stream + ",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}]}";
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + routerPort + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    Target target(String id) {
        return targets.all().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    LedgerEntry onlyEntry() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (entries.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(50); // a second entry would show up now
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    void assertNothingHeld() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (targets.all().stream().anyMatch(t -> t.inFlight().get() != 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        targets.all().forEach(t -> assertThat(t.inFlight().get()).as("in flight at " + t.id()).isZero());
    }

    static Consumer<HttpServerRequest> status(int code) {
        return req -> req.response().setStatusCode(code).putHeader("Content-Type", "application/json")
                .end("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
    }

    static HttpServerResponse sse(HttpServerRequest req) {
        return req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
    }

    @Test
    void anErrorBeforeTheFirstByteFallsBackToTheNextTarget() throws Exception {
        start(3, 2);
        fakes.get(0).behaviour = status(503);

        var r = chat("r", false);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Sparkd-Target")).hasValue("b:m");
        assertThat(r.body()).contains("\"content\":\"4\"");
        LedgerEntry e = onlyEntry();
        assertThat(e.outcome()).isEqualTo("ok");
        assertThat(e.target()).isEqualTo("b:m");
        assertThat(e.attempts()).isEqualTo(2);
        assertThat(e.fallbacks()).isEqualTo("a:m(http_503)");
        assertThat(e.promptTokens()).isEqualTo(7);
        assertNothingHeld();
        // one failure against a (threshold 2): counted once, so the breaker is still closed
        assertThat(target("a:m").breaker().state()).isEqualTo(Breaker.State.CLOSED);
        assertThat(target("b:m").breaker().state()).isEqualTo(Breaker.State.CLOSED);
    }

    @Test
    void aStreamThatBreaksBeforeItsFirstEventFallsBack() throws Exception {
        start(3, 1);
        fakes.get(0).behaviour = req -> {
            sse(req).write(": warming up\n\n");
            req.connection().close();
        };
        fakes.get(1).behaviour = req -> sse(req).write(CHUNK).compose(v -> req.response().write(USAGE))
                .compose(v -> req.response().end("data: [DONE]\n\n"));

        var r = chat("r", true);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Sparkd-Target")).hasValue("b:m");
        // the keep-alive of the broken attempt never reaches the client; the usage chunk the router asked for neither
        assertThat(r.body()).isEqualTo(CHUNK + "data: [DONE]\n\n");
        LedgerEntry e = onlyEntry();
        assertThat(e.outcome()).isEqualTo("ok");
        assertThat(e.fallbacks()).startsWith("a:m(");
        assertThat(e.completionTokens()).isEqualTo(1);
        assertNothingHeld();
        assertThat(target("a:m").breaker().state()).isEqualTo(Breaker.State.OPEN);
    }

    @Test
    void noMoreThanMaxAttemptsTargetsAreTried() throws Exception {
        start(2, 5);
        fakes.forEach(f -> f.behaviour = status(500));

        var r = chat("r", false);

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("\"backend\":\"b\"").contains("\"request_id\":\"rid-0\"");
        assertThat(fakes.get(0).requests.get()).isEqualTo(1);
        assertThat(fakes.get(1).requests.get()).isEqualTo(1);
        assertThat(fakes.get(2).requests.get()).as("the third target is past max_attempts").isZero();
        LedgerEntry e = onlyEntry();
        assertThat(e.outcome()).isEqualTo("no_backend");
        assertThat(e.target()).isNull();
        assertThat(e.attempts()).isEqualTo(2);
        assertThat(e.fallbacks()).isEqualTo("a:m(http_500) b:m(http_500)");
        assertNothingHeld();
    }

    @Test
    void aClientErrorIsPassedOnWithoutRetryAndDoesNotCountAgainstTheTarget() throws Exception {
        start(3, 1);
        fakes.get(0).behaviour = status(400);

        var r = chat("r", false);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(fakes.get(1).requests.get()).isZero();
        assertThat(onlyEntry().outcome()).isEqualTo("upstream_error");
        assertNothingHeld();
        assertThat(target("a:m").breaker().state()).isEqualTo(Breaker.State.CLOSED);
    }

    @Test
    void aTargetThatNeverAnswersTimesOutAndTheNextOneAnswers() throws Exception {
        start(3, 2);
        fakes.get(0).behaviour = req -> {
            // never answers
        };

        var r = chat("r", true);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Sparkd-Target")).hasValue("b:m");
        LedgerEntry e = onlyEntry();
        assertThat(e.fallbacks()).isEqualTo("a:m(timeout)");
        assertNothingHeld();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (fakes.get(0).closed.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(fakes.get(0).closed.get()).as("the timed-out request is reset").isEqualTo(1);
        assertThat(target("a:m").breaker().state()).isEqualTo(Breaker.State.CLOSED);
    }

    @Test
    void aFailureAfterTheFirstByteEndsTheStreamWithAnErrorEvent() throws Exception {
        start(3, 2);
        fakes.get(0).behaviour = req -> sse(req).write(CHUNK).onSuccess(v -> vertx.setTimer(50, id -> req.connection().close()));

        var r = chat("r", true);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith(CHUNK).contains("\"error\":{").contains("\"code\":\"stream_interrupted\"")
                .contains("\"backend\":\"a\"").doesNotContain("[DONE]");
        assertThat(fakes.get(1).requests.get()).as("no retry once the client has bytes").isZero();
        LedgerEntry e = onlyEntry();
        assertThat(e.outcome()).isEqualTo("stream_error");
        assertThat(e.target()).isEqualTo("a:m");
        assertNothingHeld();
        assertThat(target("a:m").breaker().state()).isEqualTo(Breaker.State.CLOSED); // one failure of two
    }

    @Test
    void anIdleStreamTimesOutAfterItStarted() throws Exception {
        start(3, 1);
        fakes.get(0).behaviour = req -> sse(req).write(CHUNK);

        var r = chat("r", true);

        assertThat(r.body()).startsWith(CHUNK).contains("idle timeout after 300 ms").doesNotContain("[DONE]");
        assertThat(onlyEntry().outcome()).isEqualTo("stream_error");
        assertNothingHeld();
        assertThat(target("a:m").breaker().state()).isEqualTo(Breaker.State.OPEN);
    }

    @Test
    void aClientThatLeavesMidStreamFreesEverythingAndLeavesTheTargetHealthy() throws Exception {
        start(3, 1);
        CompletableFuture<Void> upstreamClosed = new CompletableFuture<>();
        fakes.get(0).behaviour = req -> {
            HttpServerResponse resp = sse(req);
            long timer = vertx.setPeriodic(50, id -> resp.write(CHUNK));
            req.connection().closeHandler(v -> {
                vertx.cancelTimer(timer);
                upstreamClosed.complete(null);
            });
        };
        LeavingClient.postAndLeave(routerPort, "", "{\"model\":\"r\",\"stream\":true,\"messages\":[]}", seen -> {
        });
        upstreamClosed.get(5, TimeUnit.SECONDS);
        LedgerEntry e = onlyEntry();
        assertThat(e.outcome()).isEqualTo("client_closed");
        assertThat(e.status()).isEqualTo(499);
        assertNothingHeld();
        assertThat(target("a:m").breaker().state()).isEqualTo(Breaker.State.CLOSED);
    }

    @Test
    void aFailedCloudAttemptGivesItsBudgetReservationBack() throws Exception {
        start(3, 100);
        fakes.get(3).behaviour = status(503);

        // each request reserves ten cents (one output token) against a 50-cent day; five leaked reservations would make
        // the cloud target be skipped for its budget
        for (int i = 0; i < 8; i++) {
            var r = chat("cloudy", false);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("X-Sparkd-Target")).hasValue("b:m");
        }
        assertThat(fakes.get(3).requests.get()).as("every request tried the cloud first").isEqualTo(8);
        assertThat(entries).allSatisfy(e -> assertThat(e.fallbacks()).isEqualTo("cloud:m(http_503)"));
        assertThat(budgets.remaining("cloud")).isEqualTo(0.5);
        assertNothingHeld();
    }

    @Test
    void aCloudStreamTheClientLeavesIsChargedForWhatWasRelayedNotZero() throws Exception {
        start(3, 100);
        CompletableFuture<Void> upstreamClosed = new CompletableFuture<>();
        fakes.get(3).behaviour = req -> {
            HttpServerResponse resp = sse(req);
            resp.write(CHUNK + CHUNK + CHUNK); // three tokens, then no usage ever: the client leaves first
            req.connection().closeHandler(v -> upstreamClosed.complete(null));
        };
        LeavingClient.postAndLeave(routerPort, "", "{\"model\":\"cloudy\",\"stream\":true,\"max_tokens\":2,\"messages\":[]}", seen -> {
        });
        upstreamClosed.get(5, TimeUnit.SECONDS);
        LedgerEntry e = onlyEntry();
        assertThat(e.outcome()).isEqualTo("client_closed");
        assertThat(e.completionTokens()).as("the provider reported no usage").isZero();
        assertThat(e.costUsd()).as("charged the relayed tokens at ten cents each").isCloseTo(0.3, within(1e-9));
        assertThat(budgets.remaining("cloud")).isCloseTo(0.2, within(1e-9));
        assertNothingHeld();
    }

    @Test
    void aSuccessfulCloudAnswerIsChargedOnce() throws Exception {
        start(3, 100);
        // 1 output token at ten cents
        for (int i = 0; i < 3; i++) {
            assertThat(chat("cloudy", false).headers().firstValue("X-Sparkd-Target")).hasValue("cloud:m");
        }
        assertThat(budgets.remaining("cloud")).isCloseTo(0.2, within(1e-9));
        assertThat(entries).extracting(LedgerEntry::costUsd).allSatisfy(c -> assertThat(c).isCloseTo(0.1, within(1e-9)));
        assertNothingHeld();
    }

    @Test
    void anAnswerLargerThanTheLimitFailsTheAttemptAndFallsBack() throws Exception {
        start(3, 5);
        String huge = ANSWER.replace("\"content\":\"4\"", "\"content\":\"" + "x".repeat(100_000) + "\"");
        fakes.get(3).behaviour = req -> req.response().putHeader("Content-Type", "application/json").end(huge);

        var r = chat("cloudy", false);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Sparkd-Target")).hasValue("b:m");
        assertThat(onlyEntry().fallbacks()).isEqualTo("cloud:m(too_large)");
        // nothing was spent on an answer that never arrived
        assertThat(budgets.spent("cloud", Budgets.Period.DAILY)).isZero();
        assertNothingHeld();
    }

    @Test
    void onlyTooLargeAnswersEndIn502() throws Exception {
        start(3, 5);
        String huge = ANSWER.replace("\"content\":\"4\"", "\"content\":\"" + "x".repeat(100_000) + "\"");
        fakes.get(0).behaviour = status(503);
        fakes.get(1).behaviour = req -> req.response().putHeader("Content-Type", "application/json").end(huge);
        // no Content-Length: counted while it arrives
        fakes.get(2).behaviour = req -> req.response().setChunked(true).putHeader("Content-Type", "application/json").end(huge);

        var r = chat("r", false);

        assertThat(onlyEntry().fallbacks()).isEqualTo("a:m(http_503) b:m(too_large) c:m(too_large)");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(mapper.readTree(r.body()).path("error").path("code").asText()).isEqualTo("response_too_large");
        assertThat(r.body()).contains("max_response_size");
        assertNothingHeld();
    }

    @Test
    void anEventLargerThanTheLimitFailsTheStreamBeforeItsFirstByteAndFallsBack() throws Exception {
        start(3, 5);
        // an endless event: no blank line ever comes, so without a limit it would grow until the heap is gone
        fakes.get(0).behaviour = req -> {
            HttpServerResponse out = sse(req);
            vertx.setPeriodic(1, id -> {
                if (out.closed() || out.ended()) {
                    vertx.cancelTimer(id);
                } else if (!out.writeQueueFull()) {
                    out.write("data: " + "x".repeat(4096) + "\n");
                }
            });
        };
        fakes.get(1).behaviour = req -> sse(req).write(CHUNK).compose(v -> req.response().write(USAGE))
                .compose(v -> req.response().end("data: [DONE]\n\n"));

        var r = chat("r", true);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Sparkd-Target")).hasValue("b:m");
        assertThat(onlyEntry().fallbacks()).isEqualTo("a:m(stream_error)");
        assertNothingHeld();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (fakes.get(0).closed.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(fakes.get(0).closed.get()).as("the endless stream's connection is closed").isEqualTo(1);
    }

    @Test
    void anUnreadableProviderKeyIsAnImmediate502() throws Exception {
        start(3, 5);
        Files.delete(dir.resolve("cloud-key"));

        long t0 = System.nanoTime();
        var r = chat("cloudonly", false);

        assertThat(System.nanoTime() - t0).as("answered at once, not after a timeout").isLessThan(TimeUnit.SECONDS.toNanos(2));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(mapper.readTree(r.body()).path("error").path("code").asText()).isEqualTo("backend_misconfigured");
        assertThat(r.body()).doesNotContain("sk-test-secret");
        assertThat(onlyEntry().fallbacks()).isEqualTo("cloud:m(misconfigured)");
        assertThat(fakes.get(3).requests.get()).isZero();
        assertNothingHeld();
        assertThat(budgets.spent("cloud", Budgets.Period.DAILY)).isZero();
    }

    @Test
    void anUnreadableProviderKeyFallsBackToTheNextTarget() throws Exception {
        start(3, 5);
        Files.delete(dir.resolve("cloud-key"));

        var r = chat("cloudy", false);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Sparkd-Target")).hasValue("b:m");
        assertNothingHeld();
    }
}
