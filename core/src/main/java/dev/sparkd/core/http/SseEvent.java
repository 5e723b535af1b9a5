package dev.sparkd.core.http;

/**
 * One dispatched server-sent event.
 *
 * @param event the {@code event:} name, {@code "message"} when the stream gave none
 * @param data the {@code data:} lines joined with {@code \n}
 * @param id the last event id seen on the stream so far, or {@code null}
 * @param retryMillis the {@code retry:} value carried by this event, or {@code null}
 */
public record SseEvent(String event, String data, String id, Long retryMillis) {

    /** The sentinel OpenAI-compatible servers send as the last event of a stream. */
    public static final String DONE = "[DONE]";

    /** A plain {@code data:} event. */
    public static SseEvent data(String data) {
        return new SseEvent("message", data, null, null);
    }

    /** Whether this is the OpenAI {@code data: [DONE]} terminator. */
    public boolean isDone() {
        return DONE.equals(data.strip());
    }

    /** The event in wire form, so a proxy can forward it unchanged in meaning. */
    public String toWire() {
        StringBuilder out = new StringBuilder();
        if (!"message".equals(event)) {
            out.append("event: ").append(event).append('\n');
        }
        if (id != null) {
            out.append("id: ").append(id).append('\n');
        }
        if (retryMillis != null) {
            out.append("retry: ").append(retryMillis).append('\n');
        }
        for (String line : data.split("\n", -1)) {
            out.append("data: ").append(line).append('\n');
        }
        return out.append('\n').toString();
    }
}
