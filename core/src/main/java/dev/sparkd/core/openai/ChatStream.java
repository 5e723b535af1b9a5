package dev.sparkd.core.openai;

import dev.sparkd.core.http.SseEvent;
import io.smallrye.mutiny.Multi;

/**
 * One streamed completion request: its events and their timing. Subscribe to {@link #events()}
 * once; each subscription sends the request again and restarts the timing.
 *
 * @param events the server-sent events, ending with the {@code [DONE]} event
 * @param timing time to first token, usage and completion, filled in as events pass
 */
public record ChatStream(Multi<SseEvent> events, StreamTiming timing) {
}
