package dev.sparkd.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultSet;
import dev.sparkd.simulator.fault.FaultType;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Writes a streamed response frame by frame on Vert.x timers, never blocking the event loop: each frame waits its
 * own delay (time to first token, then the inter-token delay). Stops when the client disconnects and honours the
 * {@code drop_mid_stream} fault by closing the connection after N frames. The caller sets status and headers first.
 */
public final class PacedStream {
    /** One chunk of the body and how long to wait before writing it; {@code onWritten} may be null. */
    public record Frame(String text, Duration delay, Runnable onWritten) {
        public static Frame now(String text) {
            return new Frame(text, Duration.ZERO, null);
        }
    }

    private final Vertx vertx;
    private final RoutingContext ctx;
    private final FaultSet faults;
    private final List<Frame> frames;
    private final Runnable onComplete;
    private final Runnable onAbort;
    private int next;
    private long timer = -1;
    private boolean finished;
    private Function<String, List<String>> streamErrorTail;

    /**
     * @param onComplete runs once after the last frame was written and the response ended
     * @param onAbort    runs once when the stream ended early (client gone, or the connection was dropped by a fault)
     */
    public PacedStream(Vertx vertx, RoutingContext ctx, FaultSet faults, List<Frame> frames, Runnable onComplete, Runnable onAbort) {
        this.vertx = vertx;
        this.ctx = ctx;
        this.faults = faults;
        this.frames = frames;
        this.onComplete = onComplete;
        this.onAbort = onAbort;
    }

    /**
     * How this server ends a stream that fails after it started ({@code stream_error} fault): the frames it writes for
     * an error message, e.g. vLLM's {@code data: {"error":…}} and {@code data: [DONE]}. Without it the fault is ignored.
     */
    public PacedStream onStreamError(Function<String, List<String>> tail) {
        this.streamErrorTail = tail;
        return this;
    }

    /** A {@code text/event-stream} frame of one JSON event with no name ({@code data: …} and a blank line). */
    public static String sseData(JsonNode event) {
        return "data: " + Json.write(event) + "\n\n";
    }

    public void start() {
        ctx.response().closeHandler(v -> abort());
        pump();
    }

    private void pump() {
        while (!finished) {
            if (ctx.response().closed()) {
                abort();
                return;
            }
            if (next == frames.size()) {
                finished = true;
                ctx.response().end();
                onComplete.run();
                return;
            }
            long delayMs = frames.get(next).delay().toMillis();
            if (delayMs > 0) {
                timer = vertx.setTimer(delayMs, id -> {
                    timer = -1;
                    if (writeOne()) {
                        pump();
                    }
                });
                return;
            }
            if (!writeOne()) {
                return;
            }
        }
    }

    /** Writes the next frame; false when the stream is over (dropped or closed). */
    private boolean writeOne() {
        if (finished) {
            return false;
        }
        if (ctx.response().closed()) {
            abort();
            return false;
        }
        Frame f = frames.get(next++);
        ctx.response().write(f.text());
        if (f.onWritten() != null) {
            f.onWritten().run();
        }
        Optional<Fault> streamError = faults.get(FaultType.STREAM_ERROR);
        if (streamErrorTail != null && streamError.isPresent() && next >= streamError.get().intParam("after_chunks", 3)
                && next < frames.size()) {
            finished = true;
            streamErrorTail.apply(streamError.get().stringParam("message", "simulated fault: error inside the stream"))
                    .forEach(ctx.response()::write);
            ctx.response().end();
            onAbort.run();
            return false;
        }
        int dropAfter = faults.get(FaultType.DROP_MID_STREAM).map(x -> x.intParam("after_chunks", 3)).orElse(-1);
        if (dropAfter >= 0 && next >= dropAfter && next < frames.size()) {
            finished = true;
            onAbort.run();
            ctx.request().connection().close();
            return false;
        }
        return true;
    }

    private void abort() {
        if (finished) {
            return;
        }
        finished = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        onAbort.run();
    }
}
