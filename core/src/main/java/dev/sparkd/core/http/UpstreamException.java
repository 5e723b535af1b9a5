package dev.sparkd.core.http;

import java.util.Objects;

/** A call to a backend failed: unreachable, too slow, answered with an error, or broke its protocol. */
public class UpstreamException extends RuntimeException {

    /** What went wrong, coarse enough for retry and circuit-breaker decisions. */
    public enum Kind {
        /** No connection could be made (refused, unknown host, connect timeout). */
        CONNECT,
        /** A deadline or an idle timeout passed. */
        TIMEOUT,
        /** The backend answered with a non-success HTTP status. */
        STATUS,
        /** The backend answered, but the body could not be understood. */
        BAD_RESPONSE,
        /** The backend reported an error inside an already successful (200) stream. */
        STREAM_ERROR,
        /** The connection ended before the response was complete. */
        TRUNCATED
    }

    private final Kind kind;
    private final int status;
    private final String upstreamMessage;

    /** Creates an exception; {@code status} is 0 when no HTTP status was received. */
    public UpstreamException(Kind kind, int status, String message, String upstreamMessage, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.status = status;
        this.upstreamMessage = upstreamMessage;
    }

    /** Creates an exception without a cause. */
    public UpstreamException(Kind kind, int status, String message, String upstreamMessage) {
        this(kind, status, message, upstreamMessage, null);
    }

    /** The failure class. */
    public Kind kind() {
        return kind;
    }

    /** The HTTP status the backend answered with, or 0 when there was none (connect failure, timeout). */
    public int status() {
        return status;
    }

    /** The error text the backend itself sent, if any (already scrubbed of the caller's secret). */
    public String upstreamMessage() {
        return upstreamMessage;
    }

    /** Whether trying the same request again (here or elsewhere) could plausibly succeed. */
    public boolean retryable() {
        return switch (kind) {
            case CONNECT, TIMEOUT, TRUNCATED -> true;
            case STATUS -> status == 408 || status == 429 || status >= 500;
            case BAD_RESPONSE, STREAM_ERROR -> false;
        };
    }

    /**
     * Replaces every occurrence of {@code secret} in {@code text}: some servers echo the bearer key
     * back in their error message, and those messages end up in logs.
     */
    public static String redact(String text, String secret) {
        if (text == null || secret == null || secret.isBlank()) {
            return text;
        }
        return text.replace(secret, "[redacted]");
    }
}
