package dev.sparkd.core.http;

import java.util.ArrayList;
import java.util.List;

import io.vertx.core.buffer.Buffer;

/**
 * Incremental {@code text/event-stream} reader following the WHATWG HTML "event stream interpretation" rules: lines
 * end in CRLF, LF or a lone CR; {@code :} starts a comment; one space after the field colon is dropped; {@code data}
 * lines accumulate joined by LF; a blank line ends a block; a block with no data dispatches no event; an unterminated
 * block at end of stream is discarded. Chunk boundaries may fall anywhere (inside CRLF, inside a UTF-8 character).
 *
 * <p>One pass over the bytes serves two readers: a client that wants the parsed events ({@link #feed(byte[])}), and a
 * proxy that relays each block byte for byte and looks at its parsed event on the way ({@link #feed(Buffer, Handler)}):
 * the blocks handed to a {@link Handler}, concatenated, are exactly the bytes fed in. Not thread-safe: one instance
 * per stream.
 */
public final class SseParser {

    /** Receives every block the blank line completes. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @param event the parsed event, or null when the block carried no data (a comment, a keep-alive)
         * @param bytes holds the block's exact bytes at {@code [start, end)}, including its blank line; only valid
         *              during the call
         */
        void onBlock(SseEvent event, Buffer bytes, int start, int end);
    }

    private static final int MAX_LINE_BYTES = 8 * 1024 * 1024;

    /** Bytes of the unfinished block, from its first byte; null when the last chunk ended on a block boundary. */
    private Buffer pending;
    /** Offset in {@link #pending} where its unfinished line starts. */
    private int lineStart;
    private boolean lastWasCr;
    private boolean firstLine = true;
    private boolean blockHasLines;

    private String firstData;
    private StringBuilder moreData;
    private boolean hasData;
    private String eventName;
    private String lastEventId;
    private Long retry;

    /** Consumes a chunk and returns the events it completed (possibly none). */
    public List<SseEvent> feed(byte[] chunk) {
        List<SseEvent> events = new ArrayList<>(2);
        feed(Buffer.buffer(chunk), (event, bytes, start, end) -> {
            if (event != null) {
                events.add(event);
            }
        });
        return events;
    }

    /** Consumes a chunk and hands every block it completed to {@code handler}, in order. */
    public void feed(Buffer chunk, Handler handler) {
        Buffer data;
        int scanFrom;
        if (pending == null) {
            data = chunk;
            scanFrom = 0;
        } else {
            scanFrom = pending.length();
            pending.appendBuffer(chunk);
            data = pending;
        }
        int len = data.length();
        int blockStart = 0;
        int line = lineStart;
        for (int i = scanFrom; i < len; i++) {
            byte b = data.getByte(i);
            if (b == '\n' && lastWasCr) {
                // second half of a CRLF whose CR already ended the line (possibly in the previous chunk)
                lastWasCr = false;
                line = i + 1;
                continue;
            }
            lastWasCr = b == '\r';
            if (b != '\r' && b != '\n') {
                if (i - line >= MAX_LINE_BYTES) {
                    throw new IllegalStateException("event-stream line longer than " + MAX_LINE_BYTES + " bytes");
                }
                continue;
            }
            if (i > line) {
                processLine(data, line, i);
                blockHasLines = true;
                line = i + 1;
                continue;
            }
            // a blank line ends the block; a CRLF's LF goes with it when it is already here
            int end = i + 1;
            if (b == '\r' && end < len && data.getByte(end) == '\n') {
                end++;
                lastWasCr = false;
            }
            SseEvent event = dispatch();
            handler.onBlock(event, data, blockStart, end);
            blockHasLines = false;
            blockStart = end;
            line = end;
            i = end - 1;
        }
        if (blockStart >= len) {
            pending = null;
            lineStart = 0;
        } else {
            Buffer rest = Buffer.buffer(len - blockStart + 256);
            rest.appendBuffer(data, blockStart, len - blockStart);
            pending = rest;
            lineStart = line - blockStart;
        }
    }

    /** Whether a block has started but not yet been ended by a blank line. */
    public boolean hasPartialEvent() {
        return blockHasLines || (pending != null && pending.length() > lineStart);
    }

    private void processLine(Buffer data, int from, int to) {
        if (firstLine) {
            firstLine = false;
            if (to - from >= 3 && data.getByte(from) == (byte) 0xEF && data.getByte(from + 1) == (byte) 0xBB
                    && data.getByte(from + 2) == (byte) 0xBF) {
                from += 3;
                if (from == to) {
                    return;
                }
            }
        }
        if (data.getByte(from) == ':') {
            return;
        }
        int colon = -1;
        for (int i = from; i < to; i++) {
            if (data.getByte(i) == ':') {
                colon = i;
                break;
            }
        }
        int fieldEnd = colon < 0 ? to : colon;
        int valueStart = colon < 0 ? to : colon + 1;
        if (valueStart < to && data.getByte(valueStart) == ' ') {
            valueStart++;
        }
        if (is(data, from, fieldEnd, "data")) {
            String value = data.getString(valueStart, to);
            if (!hasData) {
                firstData = value;
                hasData = true;
            } else {
                if (moreData == null) {
                    moreData = new StringBuilder(firstData.length() + value.length() + 16);
                }
                if (moreData.length() == 0) {
                    moreData.append(firstData);
                }
                moreData.append('\n').append(value);
            }
        } else if (is(data, from, fieldEnd, "event")) {
            eventName = data.getString(valueStart, to);
        } else if (is(data, from, fieldEnd, "id")) {
            String value = data.getString(valueStart, to);
            if (value.indexOf('\0') < 0) {
                lastEventId = value;
            }
        } else if (is(data, from, fieldEnd, "retry")) {
            retry = digits(data, valueStart, to);
        }
        // unknown fields are ignored by the spec
    }

    private static boolean is(Buffer data, int from, int to, String field) {
        if (to - from != field.length()) {
            return false;
        }
        for (int i = 0; i < field.length(); i++) {
            if (data.getByte(from + i) != field.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A retry value made of ASCII digits only, else null (ignored like any other invalid value). */
    private static Long digits(Buffer data, int from, int to) {
        if (from == to || to - from > 18) {
            return null;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            byte c = data.getByte(i);
            if (c < '0' || c > '9') {
                return null;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private SseEvent dispatch() {
        SseEvent event = null;
        if (hasData) {
            String payload = moreData != null && moreData.length() > 0 ? moreData.toString() : firstData;
            String name = eventName == null || eventName.isEmpty() ? "message" : eventName;
            event = new SseEvent(name, payload, lastEventId, retry);
        }
        firstData = null;
        if (moreData != null) {
            moreData.setLength(0);
        }
        hasData = false;
        eventName = null;
        retry = null;
        return event;
    }
}
