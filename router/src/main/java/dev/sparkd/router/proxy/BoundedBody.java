package dev.sparkd.router.proxy;

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

    private BoundedBody() {
    }

    /** The request body, or a {@link TooLarge} failure as soon as it passes {@code limit}; the request is resumed. */
    static Future<Buffer> of(HttpServerRequest req, long limit) {
        return read(req, req.getHeader(HttpHeaders.CONTENT_LENGTH), limit, false, req::resume);
    }

    /** An upstream answer, or a {@link TooLarge} failure as soon as it passes {@code limit}. */
    static Future<Buffer> of(HttpClientResponse resp, long limit) {
        return read(resp, resp.getHeader(HttpHeaders.CONTENT_LENGTH), limit, false, resp::resume);
    }

    /** An upstream error answer cut at {@code limit} bytes (only its message is wanted). */
    static Future<Buffer> head(HttpClientResponse resp, long limit) {
        return read(resp, null, limit, true, resp::resume);
    }

    private static Future<Buffer> read(ReadStream<Buffer> stream, String contentLength, long limit, boolean cut, Runnable resume) {
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
