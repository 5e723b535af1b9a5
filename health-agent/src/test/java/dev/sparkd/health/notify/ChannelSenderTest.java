package dev.sparkd.health.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkd.core.config.SecretRef;
import dev.sparkd.health.config.HealthSettings.Channel;
import dev.sparkd.health.config.HealthSettings.ChannelKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;

/** One channel's deliveries: retries until a 2xx, the same Matrix transaction on a retry, templates that stay JSON. */
class ChannelSenderTest {
    final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    record Received(String method, String path, String body) {
    }

    final Notice down = new Notice(Notice.Event.ALERT, "vllm-1", "vllm-1", "spark-1", "vllm", "DOWN", "UP",
            "engine dead: /health answered 503 \"EngineDeadError\"", Instant.parse("2026-12-04T10:00:00Z"), Instant.parse("2026-12-04T10:00:00Z"));

    HttpServer receiver(List<Received> got, int failFirst) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        return vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            got.add(new Received(req.method().name(), req.path(), b.toString()));
            req.response().setStatusCode(calls.incrementAndGet() <= failFirst ? 503 : 200).end("{}");
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    ChannelSender sender(Channel c, List<String> outcomes) {
        return new ChannelSender(vertx, vertx.createHttpClient(new HttpClientOptions()), c, "lab", (ch, o) -> outcomes.add(ch + ":" + o),
                Duration.ofMillis(20));
    }

    static Channel channel(ChannelKind kind, URI url, Optional<String> template, Optional<SecretRef> token, int retries) {
        return new Channel("c", kind, url, template, "application/json", token, "high", Set.of(), Set.of(), retries);
    }

    @Test
    void retriesAMatrixSendWithTheSameTransactionUntilDelivered() throws Exception {
        List<Received> got = new CopyOnWriteArrayList<>();
        HttpServer server = receiver(got, 2);
        List<String> outcomes = new CopyOnWriteArrayList<>();
        URI url = URI.create("http://127.0.0.1:" + server.actualPort() + "/_matrix/client/v3/rooms/%21r%3Ax/send/m.room.message");
        Future<Void> sent = sender(channel(ChannelKind.MATRIX, url, Optional.empty(), Optional.empty(), 3), outcomes).send(down);
        sent.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(got).hasSize(3);
        assertThat(got).extracting(Received::path).containsOnly(got.get(0).path());
        assertThat(outcomes).containsExactly("c:delivered");
    }

    @Test
    void givesUpAfterTheRetriesAndSaysWhy() throws Exception {
        List<Received> got = new CopyOnWriteArrayList<>();
        HttpServer server = receiver(got, 100);
        List<String> outcomes = new CopyOnWriteArrayList<>();
        Future<Void> sent = sender(channel(ChannelKind.WEBHOOK, URI.create("http://127.0.0.1:" + server.actualPort() + "/hook"),
                Optional.empty(), Optional.empty(), 1), outcomes).send(down);
        sent.toCompletionStage().handle((v, e) -> e).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(sent.failed()).isTrue();
        assertThat(sent.cause().getMessage()).isEqualTo("HTTP 503");
        assertThat(got).hasSize(2);
        assertThat(outcomes).containsExactly("c:failed");
    }

    @Test
    void aTemplateStaysValidJsonWhateverTheReasonHolds() throws Exception {
        ChannelSender s = sender(channel(ChannelKind.WEBHOOK, URI.create("http://127.0.0.1:1/x"),
                Optional.of("{\"text\": \"{{title}}\\n{{message}}\", \"since\": \"{{since}}\", \"none\": \"{{from}}\"}"), Optional.empty(), 0),
                new CopyOnWriteArrayList<>());
        String body = s.request(down).body();
        var json = new ObjectMapper().readTree(body);
        assertThat(json.path("text").asText()).isEqualTo("sparkd: vllm-1 DOWN\nvllm-1 is DOWN: engine dead: /health answered 503 "
                + "\"EngineDeadError\" (was UP)");
        assertThat(json.path("since").asText()).isEqualTo("2026-12-04T10:00:00Z");
        assertThat(json.path("none").asText()).isEqualTo("UP");
    }

    @Test
    void aMissingTokenFileFailsWithoutSendingAnything() throws Exception {
        List<Received> got = new CopyOnWriteArrayList<>();
        HttpServer server = receiver(got, 0);
        Path missing = Files.createTempDirectory("sparkd-token").resolve("absent");
        List<String> outcomes = new CopyOnWriteArrayList<>();
        Future<Void> sent = sender(channel(ChannelKind.NTFY, URI.create("http://127.0.0.1:" + server.actualPort() + "/t"), Optional.empty(),
                Optional.of(SecretRef.file(missing)), 3), outcomes).send(down);
        sent.toCompletionStage().handle((v, e) -> e).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(sent.failed()).isTrue();
        assertThat(got).isEmpty();
        assertThat(outcomes).containsExactly("c:failed");
    }
}
