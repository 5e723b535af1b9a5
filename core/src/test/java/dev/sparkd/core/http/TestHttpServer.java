package dev.sparkd.core.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A real Vert.x HTTP server on a free port that serves canned responses and records what it saw. */
public final class TestHttpServer implements AutoCloseable {

    /** What a handler gets: the request as received and the response to write. */
    public interface Handler {
        void handle(Recorded request, HttpServerResponse response);
    }

    /** A request as the server received it. */
    public record Recorded(String method, String path, Map<String, String> headers, String body, int remotePort) {
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<Void> responseAborted = new CompletableFuture<>();

    private TestHttpServer(Vertx vertx) throws Exception {
        this.vertx = vertx;
        this.server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            Map<String, String> headers = new ConcurrentHashMap<>();
            req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
            Recorded recorded = new Recorded(req.method().name(), req.path(), headers, body.toString(StandardCharsets.UTF_8),
                    req.remoteAddress().port());
            requests.add(recorded);
            HttpServerResponse response = req.response();
            CompletableFuture<Void> aborted = responseAborted;
            // Fires only if the connection goes away before this response was ended.
            response.closeHandler(v -> aborted.complete(null));
            Handler handler = handlers.get(req.method().name() + " " + req.path());
            if (handler == null) {
                response.setStatusCode(404).end("404 page not found");
            } else {
                handler.handle(recorded, response);
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** Starts a server on 127.0.0.1 and a free port. */
    public static TestHttpServer start(Vertx vertx) {
        try {
            return new TestHttpServer(vertx);
        } catch (Exception e) {
            throw new IllegalStateException("test server did not start", e);
        }
    }

    /** Registers the handler for {@code METHOD /path}. */
    public TestHttpServer on(String method, String path, Handler handler) {
        handlers.put(method + " " + path, handler);
        return this;
    }

    /** The server's base URI. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    /** Requests received so far. */
    public List<Recorded> requests() {
        return requests;
    }

    /** The last request received. */
    public Recorded lastRequest() {
        return requests.get(requests.size() - 1);
    }

    /** Completes when a connection closes while one of its responses was still unfinished. */
    public CompletableFuture<Void> responseAborted() {
        return responseAborted;
    }

    /** Forgets handlers, requests and abort state between tests. */
    public void reset() {
        handlers.clear();
        requests.clear();
        responseAborted = new CompletableFuture<>();
    }

    /** Writes each string as its own TCP write, {@code delayMs} apart, then ends the response if asked. */
    public void writeSlowly(HttpServerResponse response, List<String> chunks, long delayMs, boolean end) {
        writeBytesSlowly(response, chunks.stream().map(c -> c.getBytes(StandardCharsets.UTF_8)).toList(), delayMs, end);
    }

    /** Writes each byte array as its own TCP write, {@code delayMs} apart, then ends the response if asked. */
    public void writeBytesSlowly(HttpServerResponse response, List<byte[]> chunks, long delayMs, boolean end) {
        response.setChunked(true);
        writeFrom(response, chunks, 0, delayMs, end);
    }

    private void writeFrom(HttpServerResponse response, List<byte[]> chunks, int index, long delayMs, boolean end) {
        if (response.closed() || response.ended()) {
            return;
        }
        if (index == chunks.size()) {
            if (end) {
                response.end();
            }
            return;
        }
        response.write(Buffer.buffer(chunks.get(index)));
        vertx.setTimer(Math.max(1, delayMs), t -> writeFrom(response, chunks, index + 1, delayMs, end));
    }

    /** Splits text into pieces of {@code size} bytes, so lines, CRLFs and UTF-8 characters break anywhere. */
    public static List<byte[]> splitBytes(String text, int size) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<byte[]> pieces = new java.util.ArrayList<>();
        for (int i = 0; i < bytes.length; i += size) {
            pieces.add(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size)));
        }
        return pieces;
    }

    @Override
    public void close() {
        server.close();
    }
}
