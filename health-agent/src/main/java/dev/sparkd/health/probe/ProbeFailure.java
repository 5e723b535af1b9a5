package dev.sparkd.health.probe;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;

import javax.net.ssl.SSLException;

import dev.sparkd.core.http.UpstreamException;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.HttpClosedException;

/** A probe request that got no HTTP answer: refused, timed out, or broke. The message is safe to show. */
public final class ProbeFailure extends RuntimeException {
    /** Why no answer came. */
    public enum Kind { REFUSED, TIMEOUT, ERROR }

    private final Kind kind;

    public ProbeFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** Names why {@code what} (e.g. {@code GET /health}) got no answer; the state machine tells refused from the rest. */
    public static ProbeFailure of(String what, Throwable t, Duration timeout) {
        if (t instanceof ProbeFailure f) {
            return f;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectTimeoutException) {
                return new ProbeFailure(Kind.TIMEOUT, what + ": connect timed out after " + Elapsed.human(timeout));
            }
            if (c instanceof ConnectException) {
                return new ProbeFailure(Kind.REFUSED, what + ": connection refused");
            }
            if (c instanceof HttpClosedException || (c instanceof SocketException && String.valueOf(c.getMessage()).contains("reset"))) {
                // docker-proxy in front of a container whose server is not listening yet accepts, then closes
                // (moby/moby#16976): as good as a refusal
                return new ProbeFailure(Kind.REFUSED, what + ": connection closed before any answer (nothing listening behind the port)");
            }
            if (c instanceof UnknownHostException) {
                return new ProbeFailure(Kind.ERROR, what + ": unknown host " + c.getMessage());
            }
            if (c instanceof SSLException) {
                return new ProbeFailure(Kind.ERROR, what + ": TLS failed (" + c.getMessage() + ")");
            }
        }
        if (t instanceof UpstreamException u && u.kind() == UpstreamException.Kind.TIMEOUT) {
            return new ProbeFailure(Kind.TIMEOUT, what + ": no answer within " + Elapsed.human(timeout));
        }
        // The client's own wrapper names the backend; the reason names only the request and the cause.
        Throwable cause = t instanceof UpstreamException && t.getCause() != null ? t.getCause() : t;
        String m = cause.getMessage();
        if (m != null && m.toLowerCase().contains("timeout")) {
            return new ProbeFailure(Kind.TIMEOUT, what + ": no answer within " + Elapsed.human(timeout));
        }
        return new ProbeFailure(Kind.ERROR, what + ": " + cause.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")"));
    }
}
