package dev.sparkd.core.http;

import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.core.buffer.Buffer;

/** Frames a streamed response body into lines or server-sent events, one parser per subscription. */
public final class BodyStreams {

    private BodyStreams() {
    }

    /** NDJSON framing: non-blank lines as they complete, plus an unterminated last line at the end. */
    public static Multi<String> lines(Multi<Buffer> body) {
        return Multi.createFrom().deferred(() -> {
            LineSplitter splitter = new LineSplitter();
            return body.onItem().transformToIterable(chunk -> splitter.feed(chunk.getBytes()))
                    .onCompletion().switchTo(() -> Multi.createFrom().iterable(splitter.finish()));
        });
    }

    /** SSE framing: events as their terminating blank line arrives. */
    public static Multi<SseEvent> events(Multi<Buffer> body) {
        return Multi.createFrom().deferred(() -> {
            SseParser parser = new SseParser();
            return body.onItem().transformToIterable(chunk -> parser.feed(chunk.getBytes()));
        });
    }
}
