package dev.sparkd.core.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;

/**
 * Live measurements of one streamed completion, updated as events pass through: when the request
 * went out, when the first event and the first token arrived, the usage chunk, and whether the
 * stream ended properly with {@code [DONE]}. Safe to read from any thread.
 */
public final class StreamTiming {

    private volatile long startNanos = -1;
    private volatile long firstEventNanos = -1;
    private volatile long firstTokenNanos = -1;
    private volatile long endNanos = -1;
    private volatile JsonNode usage;
    private volatile boolean done;

    void start() {
        startNanos = System.nanoTime();
    }

    void event() {
        if (firstEventNanos < 0) {
            firstEventNanos = System.nanoTime();
        }
    }

    void token() {
        if (firstTokenNanos < 0) {
            firstTokenNanos = System.nanoTime();
        }
    }

    void usage(JsonNode value) {
        usage = value;
    }

    void done() {
        done = true;
        endNanos = System.nanoTime();
    }

    /** From sending the request to the first server-sent event (often the empty role delta). */
    public Optional<Duration> timeToFirstEvent() {
        return between(startNanos, firstEventNanos);
    }

    /**
     * From sending the request to the first event carrying generated output: non-empty
     * {@code delta.content}, {@code delta.reasoning_content}/{@code reasoning}, {@code tool_calls},
     * or completions {@code text}.
     */
    public Optional<Duration> timeToFirstToken() {
        return between(startNanos, firstTokenNanos);
    }

    /** From sending the request to {@code [DONE]}. */
    public Optional<Duration> total() {
        return between(startNanos, endNanos);
    }

    /** The last non-null {@code usage} object seen (the {@code include_usage} chunk). */
    public Optional<JsonNode> usage() {
        return Optional.ofNullable(usage);
    }

    /** Whether {@code [DONE]} arrived. */
    public boolean completed() {
        return done;
    }

    private static Optional<Duration> between(long from, long to) {
        return from < 0 || to < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(to - from));
    }
}
