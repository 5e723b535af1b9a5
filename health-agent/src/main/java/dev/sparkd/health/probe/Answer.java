package dev.sparkd.health.probe;

import java.time.Duration;
import java.time.Instant;

import dev.sparkd.core.http.BackendResponse;
import io.vertx.mutiny.core.buffer.Buffer;

/**
 * An HTTP answer to a probe request: status, body, time from sending to the last byte, and the TLS certificate's
 * remaining life. Any status is an answer. The body is decoded to text only when a probe asks for it.
 */
public final class Answer {
    /** Bodies larger than this are cut (health answers are small; {@code /api/tags} with many models is the largest). */
    static final int MAX_BODY = 4 * 1024 * 1024;

    private final int status;
    private final Buffer bytes;
    private final Duration latency;
    private final Instant certificateExpiry;
    private String text;

    Answer(BackendResponse response) {
        this.status = response.status();
        this.bytes = response.body();
        this.latency = response.elapsed();
        this.certificateExpiry = response.certificateExpiry();
    }

    public int status() {
        return status;
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The body as text (UTF-8), cut at {@value #MAX_BODY} bytes. */
    public String body() {
        if (text == null) {
            text = bytes == null ? "" : bytes.length() > MAX_BODY ? bytes.getString(0, MAX_BODY) : bytes.toString();
        }
        return text;
    }

    /** The raw body, for parsers that read bytes (one pass, no text copy). */
    public byte[] bytes() {
        return bytes == null ? new byte[0] : bytes.getBytes();
    }

    public Duration latency() {
        return latency;
    }

    /** Remaining validity of the server's TLS certificate; null for plain HTTP. */
    public Duration certificateRemaining() {
        return certificateExpiry == null ? null : Duration.between(Instant.now(), certificateExpiry);
    }
}
