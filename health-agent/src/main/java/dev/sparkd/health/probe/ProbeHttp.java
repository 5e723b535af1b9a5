package dev.sparkd.health.probe;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.channel.ConnectTimeoutException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The one HTTP client every probe shares: non-blocking, keep-alive, and a hard deadline per request (connect, send
 * and read together). A probe that gets no answer fails with {@link ProbeFailure}; any HTTP status is an answer.
 */
public final class ProbeHttp implements AutoCloseable {
    /** Bodies larger than this are cut (health answers are small; {@code /api/tags} with many models is the largest). */
    static final int MAX_BODY = 4 * 1024 * 1024;

    private final Vertx vertx;
    private final HttpClient client;

    public ProbeHttp(Vertx vertx, int connectionsPerEndpoint) {
        this.vertx = vertx;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(120)
                .setMaxPoolSize(connectionsPerEndpoint)
                .setDecompressionSupported(true)
                .setTrustAll(false)
                .setVerifyHost(true));
    }

    /** An HTTP answer: status, body text, time from sending to the last byte, and the TLS certificate's remaining life. */
    public record Answer(int status, String body, Duration latency, Duration certificateRemaining) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    public Uni<Answer> get(URI base, String path, Map<String, String> headers, Duration timeout) {
        boolean ssl = "https".equalsIgnoreCase(base.getScheme());
        int port = base.getPort() > 0 ? base.getPort() : (ssl ? 443 : 80);
        String prefix = base.getRawPath() == null ? "" : base.getRawPath();
        if (prefix.endsWith("/") && path.startsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        String uri = prefix + path;
        if (uri.isEmpty()) {
            uri = "/";
        }
        if (base.getRawQuery() != null && !path.contains("?")) {
            uri += "?" + base.getRawQuery();
        }
        long ms = Math.max(1, timeout.toMillis());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(base.getHost()).setPort(port)
                .setSsl(ssl).setURI(uri).setConnectTimeout(ms).setIdleTimeout(ms);
        headers.forEach(options::addHeader);
        String what = "GET " + path;
        return Uni.createFrom().emitter(emitter -> {
            long start = System.nanoTime();
            AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
            long timer = vertx.setTimer(ms, id -> {
                HttpClientRequest req = inFlight.get();
                if (req != null) {
                    req.reset();
                }
                emitter.fail(new ProbeFailure(ProbeFailure.Kind.TIMEOUT, what + ": no answer within " + human(timeout)));
            });
            client.request(options).compose(req -> {
                inFlight.set(req);
                return req.send();
            }).compose(resp -> {
                Duration cert = ssl ? certificateRemaining(resp.request().connection().sslSession() == null ? List.of()
                        : peer(resp.request())) : null;
                return resp.body().map(body -> new Answer(resp.statusCode(),
                        body.length() > MAX_BODY ? body.getString(0, MAX_BODY) : body.toString(),
                        Duration.ofNanos(System.nanoTime() - start), cert));
            }).onComplete(ar -> {
                if (!vertx.cancelTimer(timer)) {
                    return; // the deadline already answered
                }
                if (ar.succeeded()) {
                    emitter.complete(ar.result());
                } else {
                    emitter.fail(classify(what, ar.cause(), timeout));
                }
            });
        });
    }

    static ProbeFailure classify(String what, Throwable t, Duration timeout) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectTimeoutException) {
                return new ProbeFailure(ProbeFailure.Kind.TIMEOUT, what + ": connect timed out after " + human(timeout));
            }
            if (c instanceof ConnectException) {
                return new ProbeFailure(ProbeFailure.Kind.REFUSED, what + ": connection refused");
            }
            if (c instanceof HttpClosedException || (c instanceof SocketException && String.valueOf(c.getMessage()).contains("reset"))) {
                // docker-proxy in front of a container whose server is not listening yet accepts, then closes
                // (moby/moby#16976): as good as a refusal
                return new ProbeFailure(ProbeFailure.Kind.REFUSED, what + ": connection closed before any answer (nothing listening behind the port)");
            }
            if (c instanceof UnknownHostException) {
                return new ProbeFailure(ProbeFailure.Kind.ERROR, what + ": unknown host " + c.getMessage());
            }
            if (c instanceof javax.net.ssl.SSLException) {
                return new ProbeFailure(ProbeFailure.Kind.ERROR, what + ": TLS failed (" + c.getMessage() + ")");
            }
        }
        String m = t.getMessage();
        if (m != null && m.toLowerCase().contains("timeout")) {
            return new ProbeFailure(ProbeFailure.Kind.TIMEOUT, what + ": no answer within " + human(timeout));
        }
        return new ProbeFailure(ProbeFailure.Kind.ERROR, what + ": " + t.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")"));
    }

    private static List<Certificate> peer(HttpClientRequest request) {
        try {
            return request.connection().peerCertificates();
        } catch (Exception e) {
            return List.of();
        }
    }

    private static Duration certificateRemaining(List<Certificate> certs) {
        if (certs.isEmpty() || !(certs.get(0) instanceof X509Certificate x509)) {
            return null;
        }
        return Duration.between(Instant.now(), x509.getNotAfter().toInstant());
    }

    public static String human(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        if (d.toMillis() < 60_000) {
            double s = d.toMillis() / 1000.0;
            return (s == Math.rint(s) ? Long.toString((long) s) : String.format(java.util.Locale.ROOT, "%.1f", s)) + "s";
        }
        return dev.sparkd.core.config.Durations.format(Duration.ofSeconds(d.toSeconds()));
    }

    @Override
    public void close() {
        client.close();
    }
}
