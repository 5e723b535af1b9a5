package dev.sparkd.mcp.upstream;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.sparkd.core.http.SseParser;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpTransportException;
import io.modelcontextprotocol.spec.McpTransportSessionClosedException;
import io.modelcontextprotocol.spec.McpTransportSessionNotFoundException;
import io.modelcontextprotocol.spec.ProtocolVersions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * The client side of MCP Streamable HTTP (2025-11-25) on Vert.x, for one remote upstream: every message is a
 * {@code POST} of one JSON-RPC message with {@code Accept: application/json, text/event-stream}; a request is answered
 * by a JSON body or an SSE stream (both read with the {@code max_result_size} bound per message); a notification or
 * response by 202. The {@code Mcp-Session-Id} from the initialize answer and the negotiated {@code MCP-Protocol-Version}
 * go on every later request; once initialized, a {@code GET} stream carries the server's own messages (list changes,
 * pings) and is reopened when it ends; a session the server no longer knows (404) is reported so the client
 * re-initializes; closing sends {@code DELETE}.
 * <p>
 * Why not the SDK's {@code java.net.http} transport: each answer crossed the JDK client's selector thread, its executor
 * and Reactor's operators before reaching the gateway, which cost milliseconds per call (bench/RESULTS.md). Here the
 * request and its answer stay on one Vert.x event loop over a kept-alive connection, and nothing blocks: every callback
 * only parses and hands the message on.
 */
public final class StreamableHttpTransport implements McpClientTransport {
    private static final Logger LOG = Logger.getLogger(StreamableHttpTransport.class);
    static final List<String> PROTOCOL_VERSIONS = List.of(ProtocolVersions.MCP_2025_03_26, ProtocolVersions.MCP_2025_06_18,
            ProtocolVersions.MCP_2025_11_25);
    static final String LATEST = ProtocolVersions.MCP_2025_11_25;
    static final String SESSION_ID = "Mcp-Session-Id";
    static final String PROTOCOL_VERSION = "MCP-Protocol-Version";
    /** An error answer (4xx/5xx) is read up to this many bytes, to pass on its JSON-RPC error. */
    static final int MAX_ERROR_BODY = 64 * 1024;
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    static final Duration MAX_LISTEN_BACKOFF = Duration.ofSeconds(30);

    private final String name;
    private final Vertx vertx;
    private final boolean ownsVertx;
    private final HttpClient http;
    /**
     * Every request of this upstream starts on this one event loop, so its connections live there too and each answer's
     * head, body and end are handled in order on one thread (a handler set from another thread can miss a body that
     * has already ended).
     */
    private final Context context;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String path;
    private final String authorization;
    private final McpJsonMapper json;
    private final int maxMessageBytes;
    private final long idleTimeoutMillis;
    private volatile Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler;
    private volatile Consumer<Throwable> exceptionHandler = e -> { };
    private volatile String sessionId;
    private volatile String protocolVersion = LATEST;
    private volatile boolean closed;
    private final AtomicBoolean listening = new AtomicBoolean();
    private volatile HttpClientRequest listen;
    private volatile long listenBackoffMillis = 1000;

    /**
     * @param vertx the application's Vert.x, or null for a private one this transport closes with itself (the doctor)
     * @param token the server's own credential, sent as a bearer token; never a caller's
     * @param idleTimeout the longest silence of the server while an answer is awaited; the request is then reset
     */
    public StreamableHttpTransport(String name, Vertx vertx, URI url, Optional<String> token, McpJsonMapper json,
            int maxMessageBytes, Duration connectTimeout, Duration idleTimeout) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("upstream " + name + ": url must be http(s)://host[:port]/path");
        }
        this.name = name;
        this.ownsVertx = vertx == null;
        this.vertx = ownsVertx ? Vertx.vertx() : vertx;
        this.ssl = scheme.equals("https");
        this.host = url.getHost();
        this.port = url.getPort() > 0 ? url.getPort() : ssl ? 443 : 80;
        String p = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.path = url.getRawQuery() == null ? p : p + "?" + url.getRawQuery();
        this.authorization = token.map(t -> "Bearer " + t).orElse(null);
        this.json = json;
        this.maxMessageBytes = maxMessageBytes;
        this.idleTimeoutMillis = Math.max(1, idleTimeout.toMillis());
        // one kept-alive pool per upstream; HTTP/1.1, the transport every Streamable HTTP server speaks
        this.http = this.vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setSsl(ssl)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .setMaxPoolSize(32)
                .setName("mcp-" + name));
        this.context = this.vertx.getOrCreateContext();
    }

    /** Runs {@code task} on this transport's event loop: at once when already there. */
    private void onLoop(Runnable task) {
        if (Vertx.currentContext() == context) {
            task.run();
        } else {
            context.runOnContext(v -> task.run());
        }
    }

    /** The session the server gave at initialize, or null. */
    String sessionId() {
        return sessionId;
    }

    @Override
    public List<String> protocolVersions() {
        return PROTOCOL_VERSIONS;
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        this.handler = handler;
        return Mono.empty();
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        this.exceptionHandler = handler;
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return Mono.create(sink -> {
            String version = sink.contextView().getOrDefault(McpAsyncClient.NEGOTIATED_PROTOCOL_VERSION, protocolVersion);
            onLoop(() -> post(message, version, sink));
        });
    }

    private void post(McpSchema.JSONRPCMessage message, String version, MonoSink<Void> sink) {
        if (closed) {
            sink.error(new McpTransportSessionClosedException("upstream " + name + ": transport closed"));
            return;
        }
        Buffer body;
        try {
            body = Buffer.buffer(json.writeValueAsString(message));
        } catch (IOException e) {
            sink.error(new McpTransportException("upstream " + name + ": cannot write a JSON-RPC message", e));
            return;
        }
        String session = sessionId;
        // a silent server is cut off; the client's own request timeout answers the caller earlier
        RequestOptions options = options(HttpMethod.POST, version, session)
                .setIdleTimeout(idleTimeoutMillis)
                .putHeader("Accept", "application/json, text/event-stream")
                .putHeader("Content-Type", "application/json");
        Call call = new Call(message, session, sink);
        http.request(options)
                .compose(req -> {
                    call.request = req;
                    return req.send(body);
                })
                .onComplete(ar -> {
                    if (ar.failed()) {
                        call.fail(new McpTransportException("upstream " + name + ": " + describe(ar.cause()), ar.cause()));
                    } else {
                        call.answered(ar.result(), version);
                    }
                });
    }

    private RequestOptions options(HttpMethod method, String version, String session) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setHost(host)
                .setPort(port)
                .setSsl(ssl)
                .setURI(path)
                .putHeader(PROTOCOL_VERSION, version);
        if (session != null) {
            options.putHeader(SESSION_ID, session);
        }
        if (authorization != null) {
            options.putHeader("Authorization", authorization);
        }
        return options;
    }

    /** One POST: its message, the session it was sent in, and the caller of {@link #sendMessage} waiting on it. */
    private final class Call {
        final McpSchema.JSONRPCMessage message;
        final String session;
        final MonoSink<Void> sink;
        HttpClientRequest request;
        /** Whether the answer to this (request) message has been handed on. */
        boolean answered;
        boolean done;

        Call(McpSchema.JSONRPCMessage message, String session, MonoSink<Void> sink) {
            this.message = message;
            this.session = session;
            this.sink = sink;
        }

        void answered(HttpClientResponse resp, String version) {
            int status = resp.statusCode();
            if (status >= 200 && status < 300) {
                String sid = resp.getHeader(SESSION_ID);
                if (sid != null && session == null && sessionId == null) {
                    sessionId = sid;
                }
                if (message instanceof McpSchema.JSONRPCNotification n && McpSchema.METHOD_NOTIFICATION_INITIALIZED.equals(n.method())) {
                    protocolVersion = version;
                    listenLater();
                }
                String type = contentType(resp);
                if (type.startsWith("text/event-stream")) {
                    readStream(resp);
                } else if (type.startsWith("application/json") && status != 202) {
                    readJson(resp);
                } else if (status == 202 || !(message instanceof McpSchema.JSONRPCRequest)) {
                    // 202 Accepted (a notification or a response) or an empty answer
                    resp.handler(b -> { }).endHandler(v -> finish()).exceptionHandler(this::fail);
                } else {
                    // a request must be answered with JSON or an event stream; an HTML login page of a proxy is neither.
                    // Fail at once and drop the connection rather than read a body nobody will use (it may never end).
                    fail(new McpTransportException("upstream " + name + " answered HTTP " + status + " with Content-Type '" + type
                            + "', not application/json or text/event-stream: is its url the MCP endpoint?"));
                    request.reset();
                }
                return;
            }
            readError(resp, status);
        }

        private void readJson(HttpClientResponse resp) {
            Buffer whole = Buffer.buffer();
            resp.handler(chunk -> {
                if (done) {
                    return;
                }
                if (whole.length() + chunk.length() > maxMessageBytes) {
                    tooLarge(whole.length() + chunk.length(), true);
                    return;
                }
                whole.appendBuffer(chunk);
            });
            resp.exceptionHandler(this::fail);
            resp.endHandler(v -> {
                if (done) {
                    return;
                }
                if (whole.length() > 0 && !(message instanceof McpSchema.JSONRPCNotification) && !deliver(whole.toString())
                        && message instanceof McpSchema.JSONRPCRequest) {
                    fail(new McpTransportException("upstream " + name + " answered with a JSON body that is not a JSON-RPC message"));
                    return;
                }
                finish();
            });
        }

        private void readStream(HttpClientResponse resp) {
            SseParser parser = new SseParser(maxMessageBytes);
            resp.handler(chunk -> {
                if (done) {
                    return;
                }
                try {
                    parser.feed(chunk, (event, bytes, start, end) -> {
                        if (event != null && isMessage(event.event()) && !event.data().isBlank()) {
                            deliver(event.data());
                        }
                    });
                } catch (IllegalStateException tooLong) {
                    tooLarge(maxMessageBytes + 1L, true);
                }
            });
            resp.exceptionHandler(this::fail);
            resp.endHandler(v -> finish());
        }

        private void readError(HttpClientResponse resp, int status) {
            Buffer whole = Buffer.buffer();
            resp.handler(chunk -> {
                if (whole.length() < MAX_ERROR_BODY) {
                    whole.appendBuffer(chunk.length() > MAX_ERROR_BODY - whole.length() ? chunk.slice(0, MAX_ERROR_BODY - whole.length()) : chunk);
                }
            });
            resp.exceptionHandler(this::fail);
            resp.endHandler(v -> {
                if ((status == 404 || status == 400) && session != null) {
                    // the server ended this session: the client initializes a new one on its next call
                    sessionExpired(session);
                    fail(new McpTransportSessionNotFoundException("upstream " + name + ": session not found (HTTP " + status + ")"));
                    return;
                }
                McpSchema.JSONRPCMessage error = parse(whole.toString());
                if (error instanceof McpSchema.JSONRPCResponse r && r.error() != null && r.id() != null
                        && message instanceof McpSchema.JSONRPCRequest) {
                    deliverMessage(r);
                    finish();
                    return;
                }
                fail(new McpTransportException("upstream " + name + " answered HTTP " + status
                        + (status == 401 || status == 403 ? " (check its token_file)" : "")));
            });
        }

        /** Hands on one message; false (and a warning) when it is not a JSON-RPC message. */
        private boolean deliver(String data) {
            McpSchema.JSONRPCMessage m = parse(data);
            if (m == null) {
                LOG.warnf("upstream %s: an answer that is not a JSON-RPC message", name);
                return false;
            }
            deliverMessage(m);
            return true;
        }

        private void deliverMessage(McpSchema.JSONRPCMessage m) {
            if (m instanceof McpSchema.JSONRPCResponse r && message instanceof McpSchema.JSONRPCRequest q && q.id().equals(r.id())) {
                answered = true;
            }
            handle(m);
        }

        /** The answer exceeds max_result_size: the request is reset and its caller gets the JSON-RPC error at once. */
        private void tooLarge(long length, boolean atLeast) {
            if (message instanceof McpSchema.JSONRPCRequest q) {
                handle(new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, q.id(), null,
                        new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INTERNAL_ERROR,
                                UpstreamTransports.tooLargeMessage(name, length, atLeast, maxMessageBytes), null)));
                answered = true;
            }
            LOG.warnf("upstream %s: skipped an answer of %s%d bytes (limit %d)", name, atLeast ? "at least " : "", length, maxMessageBytes);
            finish();
            // after finish: the reset's own failure must not replace the answer just given
            request.reset();
        }

        void finish() {
            if (done) {
                return;
            }
            done = true;
            if (message instanceof McpSchema.JSONRPCRequest && !answered) {
                sink.error(new McpTransportException("upstream " + name + " ended its answer without a result"));
            } else {
                sink.success();
            }
        }

        void fail(Throwable e) {
            if (done) {
                return;
            }
            done = true;
            if (e instanceof McpTransportSessionNotFoundException) {
                exceptionHandler.accept(e);
            }
            sink.error(e);
        }
    }

    private void listenLater() {
        context.runOnContext(v -> listen());
    }

    /** Opens the stream of the server's own messages, once per session; a server without one answers 405. */
    private void listen() {
        String session = sessionId;
        if (closed || session == null || !listening.compareAndSet(false, true)) {
            return;
        }
        RequestOptions options = options(HttpMethod.GET, protocolVersion, session).putHeader("Accept", "text/event-stream");
        http.request(options)
                .compose(req -> {
                    listen = req;
                    return req.send();
                })
                .onComplete(ar -> {
                    if (ar.failed()) {
                        relisten(session, describe(ar.cause()));
                        return;
                    }
                    HttpClientResponse resp = ar.result();
                    int status = resp.statusCode();
                    if (status == 405) {
                        LOG.debugf("upstream %s: no stream of its own (405)", name);
                        resp.handler(b -> { });
                        return;
                    }
                    if (status == 404 && session.equals(sessionId)) {
                        resp.handler(b -> { });
                        sessionExpired(session);
                        exceptionHandler.accept(new McpTransportSessionNotFoundException("upstream " + name + ": session not found"));
                        return;
                    }
                    if (status < 200 || status >= 300 || !contentType(resp).startsWith("text/event-stream")) {
                        resp.handler(b -> { });
                        relisten(session, "HTTP " + status);
                        return;
                    }
                    listenBackoffMillis = 1000;
                    SseParser parser = new SseParser(maxMessageBytes);
                    resp.handler(chunk -> {
                        try {
                            parser.feed(chunk, (event, bytes, start, end) -> {
                                if (event != null && isMessage(event.event()) && !event.data().isBlank()) {
                                    McpSchema.JSONRPCMessage m = parse(event.data());
                                    if (m != null) {
                                        handle(m);
                                    }
                                }
                            });
                        } catch (IllegalStateException tooLong) {
                            resp.request().reset();
                        }
                    });
                    resp.exceptionHandler(e -> { });
                    resp.endHandler(v -> relisten(session, "stream ended"));
                });
    }

    private void relisten(String session, String why) {
        listen = null;
        if (closed || !session.equals(sessionId)) {
            return;
        }
        long delay = listenBackoffMillis;
        listenBackoffMillis = Math.min(MAX_LISTEN_BACKOFF.toMillis(), delay * 2);
        LOG.debugf("upstream %s: server stream closed (%s); reopening in %d ms", name, why, delay);
        listening.set(false);
        vertx.setTimer(delay, id -> listenLater());
    }

    private void sessionExpired(String session) {
        if (session.equals(sessionId)) {
            sessionId = null;
            HttpClientRequest l = listen;
            if (l != null) {
                l.reset();
            }
            listening.set(false);
        }
    }

    private void handle(McpSchema.JSONRPCMessage m) {
        Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> h = handler;
        if (h == null) {
            LOG.warnf("upstream %s: a message before connect; dropped", name);
            return;
        }
        h.apply(Mono.just(m)).subscribe(null, e -> LOG.debugf("upstream %s: handling a message failed: %s", name, e.getMessage()));
    }

    private McpSchema.JSONRPCMessage parse(String data) {
        try {
            return McpSchema.deserializeJsonRpcMessage(json, data);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.defer(() -> {
            if (closed) {
                return Mono.empty();
            }
            closed = true;
            HttpClientRequest l = listen;
            if (l != null) {
                l.reset();
            }
            String session = sessionId;
            sessionId = null;
            Future<Void> end = session == null ? Future.succeededFuture()
                    : http.request(options(HttpMethod.DELETE, protocolVersion, session).setIdleTimeout(CLOSE_TIMEOUT.toMillis()))
                            .compose(HttpClientRequest::send)
                            .compose(HttpClientResponse::body)
                            .<Void>mapEmpty()
                            .otherwiseEmpty();
            Future<Void> all = end.eventually(() -> http.close()).otherwiseEmpty()
                    .eventually(() -> ownsVertx ? vertx.close() : Future.<Void>succeededFuture());
            return Mono.fromCompletionStage(all.toCompletionStage()).then();
        });
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return json.convertValue(data, typeRef);
    }

    /** SSE events without a name are messages (WHATWG); the parser names them "message". */
    private static boolean isMessage(String event) {
        return event == null || event.isEmpty() || "message".equals(event);
    }

    private static String contentType(HttpClientResponse resp) {
        String type = resp.getHeader("Content-Type");
        return type == null ? "" : type.toLowerCase();
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
