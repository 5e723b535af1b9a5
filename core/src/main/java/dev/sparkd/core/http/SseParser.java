package dev.sparkd.core.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental {@code text/event-stream} parser following the WHATWG HTML "event stream
 * interpretation" rules: lines end in CRLF, LF or a lone CR; {@code :} starts a comment; one space
 * after the field colon is dropped; {@code data} lines accumulate joined by LF; a blank line
 * dispatches; an event with no data is not dispatched; an unterminated event at end of stream is
 * discarded. Bytes are buffered per line, so chunk boundaries may fall anywhere (inside CRLF, inside
 * a UTF-8 character). Not thread-safe: one instance per stream.
 */
public final class SseParser {

    private static final int MAX_LINE_BYTES = 8 * 1024 * 1024;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventName;
    private String lastEventId;
    private Long retry;
    private boolean lastWasCr;
    private boolean firstLine = true;

    /** Consumes a chunk and returns the events it completed (possibly none). */
    public List<SseEvent> feed(byte[] chunk) {
        List<SseEvent> events = new ArrayList<>();
        for (byte b : chunk) {
            if (b == '\n' && lastWasCr) {
                // Second half of a CRLF whose CR already ended the line (possibly in the previous chunk).
                lastWasCr = false;
                continue;
            }
            lastWasCr = b == '\r';
            if (b == '\r' || b == '\n') {
                processLine(events);
            } else {
                line.write(b);
                if (line.size() > MAX_LINE_BYTES) {
                    throw new IllegalStateException("event-stream line longer than " + MAX_LINE_BYTES + " bytes");
                }
            }
        }
        return events;
    }

    /** Whether an event has started but not yet been dispatched by a blank line. */
    public boolean hasPartialEvent() {
        return hasData || line.size() > 0;
    }

    private void processLine(List<SseEvent> events) {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (firstLine) {
            firstLine = false;
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
        }
        if (text.isEmpty()) {
            dispatch(events);
            return;
        }
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                data.append(value).append('\n');
                hasData = true;
            }
            case "event" -> eventName = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    try {
                        retry = Long.parseLong(value);
                    } catch (NumberFormatException tooLong) {
                        // ignored like any other invalid retry value
                    }
                }
            }
            default -> {
                // unknown fields are ignored by the spec
            }
        }
    }

    private void dispatch(List<SseEvent> events) {
        if (hasData) {
            String payload = data.substring(0, data.length() - 1);
            String name = eventName == null || eventName.isEmpty() ? "message" : eventName;
            events.add(new SseEvent(name, payload, lastEventId, retry));
        }
        data.setLength(0);
        hasData = false;
        eventName = null;
        retry = null;
    }
}
