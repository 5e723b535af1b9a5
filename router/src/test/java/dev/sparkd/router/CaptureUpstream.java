package dev.sparkd.router;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

/**
 * A tiny OpenAI-compatible upstream that records every chat request body as it arrived. A body with
 * {@code "capture_slow": true} is streamed one chunk every 100 ms for up to 30 s, and the server notes when the
 * router closes that connection.
 */
final class CaptureUpstream {
    static final int PORT = 38492;
    final CopyOnWriteArrayList<JsonObject> bodies = new CopyOnWriteArrayList<>();
    /** The Authorization header of every POST ("null" when absent). */
    final CopyOnWriteArrayList<String> authorizations = new CopyOnWriteArrayList<>();
    volatile CompletableFuture<Long> slowClosed = new CompletableFuture<>();
    volatile CompletableFuture<Void> slowStarted = new CompletableFuture<>();
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;

    CaptureUpstream() throws Exception {
        server = vertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/v1/models")) {
                req.response().putHeader("Content-Type", "application/json")
                        .end("{\"object\":\"list\",\"data\":[{\"id\":\"capture-model\",\"object\":\"model\"}]}");
                return;
            }
            if (req.method() != HttpMethod.POST) {
                req.response().setStatusCode(404).end();
                return;
            }
            authorizations.add(String.valueOf(req.getHeader("Authorization")));
            req.body().onSuccess(buf -> {
                JsonObject body = buf.toJsonObject();
                bodies.add(body);
                if (req.path().equals("/v1/audio/speech")) {
                    speech(req.response(), body);
                    return;
                }
                var resp = req.response();
                String model = body.getString("model");
                String chunk = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model
                        + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"4\"},\"finish_reason\":null}]}\n\n";
                if (body.getBoolean("capture_slow", false)) {
                    resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
                    long started = System.nanoTime();
                    CompletableFuture<Long> closed = slowClosed;
                    long timer = vertx.setPeriodic(0, 100, id -> {
                        if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(30)) {
                            vertx.cancelTimer(id);
                            resp.end();
                        } else {
                            resp.write(chunk);
                        }
                    });
                    resp.closeHandler(v -> {
                        vertx.cancelTimer(timer);
                        closed.complete(System.nanoTime());
                    });
                    slowStarted.complete(null);
                } else if (body.getBoolean("stream", false)) {
                    resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
                    resp.write(chunk);
                    resp.write("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model
                            + "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
                    resp.write("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model
                            + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":1,\"total_tokens\":8}}\n\n");
                    resp.end("data: [DONE]\n\n");
                } else {
                    resp.putHeader("Content-Type", "application/json").end("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,"
                            + "\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"4\"},"
                            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":1,\"total_tokens\":8}}");
                }
            });
        }).listen(PORT, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The size of every speech answer: several chunks, so the router must pass them on as they come. */
    static final int SPEECH_BYTES = 256 * 1024;

    /** An OpenAI-style text-to-speech server (Kokoro-FastAPI, speaches): audio bytes, in chunks, for the input. */
    private void speech(io.vertx.core.http.HttpServerResponse resp, JsonObject body) {
        resp.setChunked(true).putHeader("Content-Type", "mp3".equals(body.getString("response_format", "mp3")) ? "audio/mpeg" : "audio/wav");
        byte[] chunk = new byte[SPEECH_BYTES / 8];
        int seed = body.getString("input", "").hashCode();
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (seed + i);
        }
        long[] sent = {0};
        vertx.setPeriodic(0, 5, id -> {
            resp.write(io.vertx.core.buffer.Buffer.buffer(chunk));
            if (++sent[0] == 8) {
                vertx.cancelTimer(id);
                resp.end();
            }
        });
    }

    void close() {
        server.close();
        vertx.close();
    }
}
