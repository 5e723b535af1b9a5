package dev.sparkd.health.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.fleet.ServiceStatus;
import dev.sparkd.health.state.State;
import dev.sparkd.health.state.StateMachine;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/** The webhook posts state changes in each format and retries a failing receiver. */
class WebhookTest {
    final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    record Received(String method, String path, String body, String title) {
    }

    @Test
    void postsJsonAndRetriesUntilDelivered() throws Exception {
        List<Received> got = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            got.add(new Received(req.method().name(), req.path(), b.toString(), req.getHeader("Title")));
            req.response().setStatusCode(calls.incrementAndGet() < 3 ? 503 : 204).end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        List<String> outcomes = new CopyOnWriteArrayList<>();
        Webhook hook = new Webhook(vertx, new HealthSettings.Webhook(URI.create("http://127.0.0.1:" + server.actualPort() + "/hook"), "json",
                Optional.empty(), 3), outcomes::add, Duration.ofMillis(20));
        hook.changed(status(), new StateMachine.Change(Optional.of(State.UP), State.DOWN, "engine dead: /health answered 503", Instant.now()));
        await(() -> outcomes.contains("delivered"));
        assertThat(got).hasSize(3);
        assertThat(got.get(0).body()).contains("\"service\":\"vllm-1\"").contains("\"to\":\"DOWN\"").contains("\"from\":\"UP\"")
                .contains("engine dead");
    }

    @Test
    void ntfyAndMatrixPayloads() throws Exception {
        List<Received> got = new CopyOnWriteArrayList<>();
        HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            got.add(new Received(req.method().name(), req.path(), b.toString(), req.getHeader("Title")));
            req.response().end("{}");
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        String base = "http://127.0.0.1:" + server.actualPort();
        List<String> outcomes = new CopyOnWriteArrayList<>();
        var change = new StateMachine.Change(Optional.of(State.UP), State.LOADING, "loading model", Instant.now());
        new Webhook(vertx, new HealthSettings.Webhook(URI.create(base + "/sparks"), "ntfy", Optional.empty(), 0), outcomes::add,
                Duration.ofMillis(10)).changed(status(), change);
        new Webhook(vertx, new HealthSettings.Webhook(URI.create(base + "/_matrix/client/v3/rooms/!r:x/send/m.room.message"), "matrix",
                Optional.empty(), 0), outcomes::add, Duration.ofMillis(10)).changed(status(), change);
        await(() -> outcomes.size() == 2);
        Received ntfy = got.stream().filter(r -> r.path().equals("/sparks")).findFirst().orElseThrow();
        assertThat(ntfy.title()).isEqualTo("sparkd: vllm-1 LOADING");
        assertThat(ntfy.body()).isEqualTo("vllm-1 is LOADING: loading model (was UP)");
        Received matrix = got.stream().filter(r -> r.method().equals("PUT")).findFirst().orElseThrow();
        assertThat(matrix.path()).startsWith("/_matrix/client/v3/rooms/!r:x/send/m.room.message/");
        assertThat(matrix.body()).contains("\"msgtype\":\"m.text\"");
    }

    static ServiceStatus status() {
        return new ServiceStatus("vllm-1", "vllm", "spark-1", "DOWN", "x", null, null, null, null, 0, null, null);
    }

    static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(done.getAsBoolean()).isTrue();
    }
}
