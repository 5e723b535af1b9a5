package dev.sparkd.router.proxy;

import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;

/**
 * Reads a body whole, but never more than a limit: the daemons run with a small heap and exit on
 * {@link OutOfMemoryError}, so one oversized body must cost an error, never the process. The limit is checked against
 * {@code Content-Length} first and then while the bytes arrive, so a chunked body (which has no length) is bounded too.
 */
final class BoundedBody {
    /** The body is larger than the limit; what arrived so far has been dropped. */
    static final class TooLarge extends RuntimeException {
        final long limit;

        TooLarge(long limit) {
            super("body larger than " + limit + " bytes", null, false, false);
            this.limit = limit;
        }
    }

    /** Admitting the body would pass the budget of bodies held at once; what arrived so far has been dropped. */
    static final class Busy extends RuntimeException {
        Busy() {
            super("too many request bytes held at once", null, false, false);
        }
    }

    /**
     * The bytes of request bodies being read and parsed, all requests together. A body costs several times its size
     * while it is parsed, so a size limit alone does not stop a few large bodies at once from exhausting the heap.
     */
    static final class Budget {
        private final AtomicLong held = new AtomicLong();
        private final long limit;

        Budget(long limit) {
            this.limit = limit;
        }

        /** Takes {@code bytes}, or nothing and false when that would pass the limit. */
        boolean take(long bytes) {
            long after = held.addAndGet(bytes);
            if (after > limit && after != bytes) {
                held.addAndGet(-bytes);
                return false;
            }
            return true;
        }

        void give(long bytes) {
            held.addAndGet(-bytes);
        }

        long held() {
            return held.get();
        }
    }

    private BoundedBody() {
    }

    /**
     * The request body, or a {@link TooLarge} failure as soon as it passes {@code limit}, or {@link Busy} when the
     * {@code budget} has no room for it; the request is resumed. The bytes taken from the budget are in {@code taken}
     * (declared or read so far), for the caller to give back once the body is parsed or dropped.
     */
    static Future<Buffer> of(HttpServerRequest req, long limit, Budget budget, AtomicLong taken) {
        String contentLength = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        long declared = declared(contentLength);
        if (declared > 0 && declared <= limit) {
            if (!budget.take(declared)) {
                return Future.failedFuture(new Busy());
            }
            taken.set(declared);
            return read(req, contentLength, limit, false, req::resume, null, null);
        }
        return read(req, contentLength, limit, false, req::resume, budget, taken);
    }

    /** An upstream answer, or a {@link TooLarge} failure as soon as it passes {@code limit}. */
    static Future<Buffer> of(HttpClientResponse resp, long limit) {
        return read(resp, resp.getHeader(HttpHeaders.CONTENT_LENGTH), limit, false, resp::resume, null, null);
    }

    /** An upstream error answer cut at {@code limit} bytes (only its message is wanted). */
    static Future<Buffer> head(HttpClientResponse resp, long limit) {
        return read(resp, null, limit, true, resp::resume, null, null);
    }

    /** @param budget when not null, every chunk is taken from it as it arrives (a body without Content-Length) */
    private static Future<Buffer> read(ReadStream<Buffer> stream, String contentLength, long limit, boolean cut, Runnable resume,
            Budget budget, AtomicLong taken) {
        Promise<Buffer> done = Promise.promise();
        if (!cut && declared(contentLength) > limit) {
            done.fail(new TooLarge(limit));
            return done.future();
        }
        Buffer body = Buffer.buffer();
        stream.handler(chunk -> {
            if (done.future().isComplete()) {
                return; // past the limit: the rest is drained and dropped
            }
            if (body.length() + (long) chunk.length() > limit) {
                if (cut) {
                    body.appendBuffer(chunk, 0, (int) (limit - body.length()));
                    done.tryComplete(body);
                } else {
                    done.tryFail(new TooLarge(limit));
                }
                return;
            }
            if (budget != null) {
                if (!budget.take(chunk.length())) {
                    done.tryFail(new Busy());
                    return;
                }
                taken.addAndGet(chunk.length());
            }
            body.appendBuffer(chunk);
        });
        stream.exceptionHandler(done::tryFail);
        stream.endHandler(v -> done.tryComplete(body));
        resume.run();
        return done.future();
    }

    /** The declared length, or -1 when absent or unreadable (the bytes are counted anyway). */
    private static long declared(String contentLength) {
        if (contentLength == null) {
            return -1;
        }
        try {
            return Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
