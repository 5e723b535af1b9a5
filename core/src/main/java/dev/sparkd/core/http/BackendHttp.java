package dev.sparkd.core.http;

import dev.sparkd.core.config.TlsTrust;
import com.fasterxml.jackson.core.JacksonException;
import io.netty.channel.ConnectTimeoutException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientRequest;
import io.vertx.mutiny.core.http.HttpClientResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Non-blocking HTTP to one backend base URI: whole-body calls with a total deadline, and streamed
 * bodies whose subscription cancellation closes the request. The one backend HTTP client of the
 * suite: the model clients, the health-agent's probes and the router's live-state polls all use it.
 * A client either owns its connection pool or is a view of a pool shared by many base URIs (the
 * health-agent probes thousands of services over one pool).
 */
public final class BackendHttp implements AutoCloseable {

    private final Vertx vertx;
    private final HttpClient client;
    private final URI baseUri;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String basePath;
    private final String rawBasePath;
    private final String baseQuery;
    private final String where;
    private final long connectMs;
    private final boolean ownsPool;

    /** Creates a client with its own pool for {@code baseUri} ({@code http} or {@code https}, optional path prefix). */
    public BackendHttp(Vertx vertx, URI baseUri, Duration connectTimeout) {
        this(vertx, null, baseUri, connectTimeout, TlsTrust.DEFAULT);
    }

    /**
     * A client with its own pool whose {@code https} connections trust as {@code tls} says (a CA file or a pinned
     * certificate, see {@link BackendTls}): a shared pool cannot, since Vert.x sets trust per pool.
     */
    public BackendHttp(Vertx vertx, URI baseUri, Duration connectTimeout, TlsTrust tls) {
        this(vertx, null, baseUri, connectTimeout, tls);
    }

    /**
     * A client for {@code baseUri} over {@code sharedPool}, which stays open when this client is
     * closed. TLS is chosen per request from the URI scheme.
     */
    public static BackendHttp over(Vertx vertx, HttpClient sharedPool, URI baseUri, Duration connectTimeout) {
        return new BackendHttp(vertx, Objects.requireNonNull(sharedPool, "sharedPool"), baseUri, connectTimeout, TlsTrust.DEFAULT);
    }

    private BackendHttp(Vertx vertx, HttpClient sharedPool, URI baseUri, Duration connectTimeout, TlsTrust tls) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.baseUri = Objects.requireNonNull(baseUri, "baseUri");
        String scheme = baseUri.getScheme() == null ? "" : baseUri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("backend URI must be http or https: " + safe(baseUri));
        }
        if (baseUri.getHost() == null) {
            throw new IllegalArgumentException("backend URI has no host: " + safe(baseUri));
        }
        this.ssl = scheme.equals("https");
        this.host = baseUri.getHost();
        this.port = baseUri.getPort() > 0 ? baseUri.getPort() : (ssl ? 443 : 80);
        String path = baseUri.getRawPath() == null ? "" : baseUri.getRawPath();
        this.rawBasePath = path.isEmpty() ? "/" : path;
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.baseQuery = baseUri.getRawQuery();
        this.where = scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + basePath;
        this.connectMs = Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
        this.ownsPool = sharedPool == null;
        this.client = ownsPool ? vertx.createHttpClient(BackendTls.apply(new HttpClientOptions()
                .setConnectTimeout((int) connectMs)
                .setKeepAlive(true)
                .setSsl(ssl)
                .setDecompressionSupported(true), tls)) : sharedPool;
    }

    /** The base URI this client talks to. */
    public URI baseUri() {
        return baseUri;
    }

    /** {@code scheme://host:port/prefix} without user info or query: safe for logs and errors. */
    public String where() {
        return where;
    }

    /**
     * Sends the request and collects the whole response, whatever its status; the deadline covers
     * connecting, sending and reading the body, and connecting alone never waits longer than it.
     */
    public Uni<BackendResponse> call(BackendRequest request, Duration deadline) {
        return Uni.createFrom().deferred(() -> {
            AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
            long start = System.nanoTime();
            RequestOptions options = options(request).setConnectTimeout(Math.max(1, Math.min(connectMs, deadline.toMillis())));
            return client.request(options)
                    .invoke(inFlight::set)
                    .chain(req -> send(req, request))
                    .chain(resp -> readBody(resp).map(body -> new BackendResponse(resp.statusCode(), resp.headers(), body,
                            Duration.ofNanos(System.nanoTime() - start), ssl ? certificateExpiry(resp) : null)))
                    .ifNoItem().after(deadline).failWith(() -> timeout(request, "no complete response within " + deadline))
                    .onFailure().transform(t -> classify(request, t))
                    .onFailure().invoke(() -> reset(inFlight))
                    .onCancellation().invoke(() -> reset(inFlight));
        });
    }

    /**
     * Sends the request and streams the body of a 2xx response as it arrives, framed into items by
     * {@code framing}. A non-2xx response is read whole and turned into a failure by
     * {@code onErrorStatus}. The idle limit runs from the response headers to the first item and
     * between items, so a slow model load (before the headers) is governed by
     * {@code headersDeadline} alone. Cancelling the subscription, or any failure, resets the request
     * so the backend sees the connection close.
     */
    public <T> Multi<T> stream(BackendRequest request, Duration headersDeadline, Duration idle,
                               Function<Multi<Buffer>, Multi<T>> framing,
                               Function<BackendResponse, ? extends Throwable> onErrorStatus) {
        return Multi.createFrom().deferred(() -> {
            AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
            Uni<HttpClientResponse> headers = client.request(options(request))
                    .invoke(inFlight::set)
                    .chain(req -> send(req, request))
                    // Pause at once: the body must not start flowing before someone subscribes to it.
                    .invoke(HttpClientResponse::pause)
                    .ifNoItem().after(headersDeadline)
                    .failWith(() -> timeout(request, "no response headers within " + headersDeadline));
            return headers
                    .onItem().transformToMulti(resp -> {
                        if (resp.statusCode() >= 200 && resp.statusCode() < 300) {
                            // Framing may stop early (e.g. at [DONE]) while the response is still
                            // open: that cancels the body here, and the connection must go too.
                            // The reset is deferred so a failure being delivered right now (a
                            // framing error cancels upstream first) is not replaced by the reset.
                            AtomicBoolean ended = new AtomicBoolean();
                            Multi<Buffer> body = resp.toMulti()
                                    .onCompletion().invoke(() -> ended.set(true))
                                    .onCancellation().invoke(() -> {
                                        if (!ended.get()) {
                                            vertx.runOnContext(() -> {
                                                // Nobody listens any more: keep the reset's own
                                                // StreamResetException out of Mutiny's dropped-error log.
                                                try {
                                                    resp.exceptionHandler(ignored -> { });
                                                } catch (IllegalStateException endedMeanwhile) {
                                                    return; // the body ended before this ran: nothing to reset
                                                }
                                                reset(inFlight);
                                            });
                                        }
                                    });
                            return framing.apply(body)
                                    .ifNoItem().after(idle)
                                    .failWith(() -> timeout(request, "stream idle for " + idle));
                        }
                        return readBody(resp)
                                .ifNoItem().after(headersDeadline)
                                .failWith(() -> timeout(request, "error body not complete within " + headersDeadline))
                                .onItem().transformToMulti(body -> Multi.createFrom().<T>failure(
                                        onErrorStatus.apply(new BackendResponse(resp.statusCode(), resp.headers(), body))));
                    })
                    .onFailure().transform(t -> classify(request, t))
                    .onFailure().invoke(() -> reset(inFlight))
                    .onCancellation().invoke(() -> reset(inFlight));
        });
    }

    /** Closes the connection pool, unless it is shared. */
    @Override
    public void close() {
        if (ownsPool) {
            client.closeAndForget();
        }
    }

    /** A timeout failure naming this backend and the request. */
    public UpstreamException timeout(BackendRequest request, String detail) {
        return new UpstreamException(UpstreamException.Kind.TIMEOUT, 0,
                request.describe() + " to " + where + ": " + detail, null);
    }

    /** Maps transport exceptions onto {@link UpstreamException}; our own exceptions pass unchanged. */
    public UpstreamException classify(BackendRequest request, Throwable failure) {
        if (failure instanceof UpstreamException upstream) {
            return upstream;
        }
        String prefix = request.describe() + " to " + where + ": ";
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof ConnectTimeoutException
                    || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return new UpstreamException(UpstreamException.Kind.CONNECT, 0,
                        prefix + "cannot connect (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")", null, failure);
            }
            if (t instanceof TimeoutException) {
                return new UpstreamException(UpstreamException.Kind.TIMEOUT, 0, prefix + t.getMessage(), null, failure);
            }
        }
        String detail = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        if (failure instanceof JacksonException || !(failure instanceof IOException || failure instanceof VertxException)) {
            // Not a transport problem: the bytes arrived but made no sense (bad JSON, overlong line).
            return new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, 0, prefix + "unreadable response (" + detail + ")",
                    null, failure);
        }
        return new UpstreamException(UpstreamException.Kind.TRUNCATED, 0, prefix + "connection failed (" + detail + ")",
                null, failure);
    }

    private Uni<HttpClientResponse> send(HttpClientRequest req, BackendRequest request) {
        request.headers().forEach(req::putHeader);
        return request.body() == null ? req.send() : req.send(request.body());
    }

    private RequestOptions options(BackendRequest request) {
        return new RequestOptions()
                .setMethod(request.method())
                .setHost(host)
                .setPort(port)
                .setSsl(ssl)
                .setURI(uri(request.path()));
    }

    /**
     * The request URI: the base path, then the request path; an empty request path means the base
     * URI itself (exactly as written), and the base URI's query applies unless the path has its own.
     */
    String uri(String path) {
        String uri = path.isEmpty() ? rawBasePath : basePath + path;
        if (baseQuery != null && path.indexOf('?') < 0) {
            uri = uri + '?' + baseQuery;
        }
        return uri;
    }

    /** When the server's TLS certificate expires, or null when the connection shows none. */
    private static Instant certificateExpiry(HttpClientResponse resp) {
        try {
            List<Certificate> certs = resp.request().connection().getDelegate().peerCertificates();
            return !certs.isEmpty() && certs.get(0) instanceof X509Certificate x509 ? x509.getNotAfter().toInstant() : null;
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Reads the whole body. The handler is registered eagerly on the core response and only then is
     * the (possibly paused) response resumed, so no chunk can slip past before anyone listens.
     */
    private static Uni<Buffer> readBody(HttpClientResponse resp) {
        io.vertx.core.Future<io.vertx.core.buffer.Buffer> body = resp.getDelegate().body();
        resp.resume();
        return Uni.createFrom().completionStage(body.toCompletionStage()).map(Buffer::newInstance);
    }

    private static void reset(AtomicReference<HttpClientRequest> inFlight) {
        HttpClientRequest req = inFlight.get();
        if (req != null) {
            req.reset();
        }
    }

    private static String safe(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }
}
