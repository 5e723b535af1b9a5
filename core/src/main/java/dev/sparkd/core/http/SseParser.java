package dev.sparkd.core.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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

    /** The default limit of one event (its whole block, all lines): far above any model's delta, far below the heap. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

    /** The largest block (an event with all its lines) held while it is incomplete. */
    private final int maxEventBytes;

    /** Bytes of the unfinished block, from its first byte, at {@code [0, pendingLength)}. */
    private byte[] pending = new byte[0];
    private int pendingLength;
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

    /** A parser with the default event limit. */
    public SseParser() {
        this(DEFAULT_MAX_EVENT_BYTES);
    }

    /** A parser that fails with {@link IllegalStateException} on an event (block) longer than {@code maxEventBytes}. */
    public SseParser(int maxEventBytes) {
        if (maxEventBytes <= 0) {
            throw new IllegalArgumentException("maxEventBytes must be positive");
        }
        this.maxEventBytes = maxEventBytes;
    }

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
        // Scan a plain array: the chunk's bytes when no block is pending (the usual case, one copy), else the pending
        // bytes with the chunk appended (growing, so a long event costs linear time).
        int carried = pendingLength;
        byte[] bytes;
        int len;
        if (carried == 0) {
            bytes = chunk.getBytes();
            len = bytes.length;
        } else {
            len = carried + chunk.length();
            if (pending.length < len) {
                pending = Arrays.copyOf(pending, Math.max(len, pending.length * 2));
            }
            chunk.getBytes(0, chunk.length(), pending, carried);
            bytes = pending;
        }
        int blockStart = 0;
        int line = lineStart;
        for (int i = carried; i < len; i++) {
            byte b = bytes[i];
            if (b == '\n' && lastWasCr) {
                // second half of a CRLF whose CR already ended the line (possibly in the previous chunk)
                lastWasCr = false;
                line = i + 1;
                continue;
            }
            lastWasCr = b == '\r';
            if (b != '\r' && b != '\n') {
                if (i - blockStart >= maxEventBytes) {
                    throw tooLong();
                }
                continue;
            }
            if (i > line) {
                processLine(bytes, line, i);
                blockHasLines = true;
                line = i + 1;
                continue;
            }
            // a blank line ends the block; a CRLF's LF goes with it when it is already here
            int end = i + 1;
            if (b == '\r' && end < len && bytes[end] == '\n') {
                end++;
                lastWasCr = false;
            }
            SseEvent event = dispatch();
            if (blockStart >= carried) {
                handler.onBlock(event, chunk, blockStart - carried, end - carried);
            } else {
                handler.onBlock(event, Buffer.buffer(end - blockStart).appendBytes(bytes, blockStart, end - blockStart), 0, end - blockStart);
            }
            blockHasLines = false;
            blockStart = end;
            line = end;
            i = end - 1;
        }
        int rest = len - blockStart;
        if (rest > maxEventBytes) {
            throw tooLong();
        }
        if (rest > pending.length) {
            pending = new byte[Math.max(rest + 256, 1024)];
        }
        if (rest > 0) {
            System.arraycopy(bytes, blockStart, pending, 0, rest);
        }
        pendingLength = rest;
        lineStart = line - blockStart;
    }

    private IllegalStateException tooLong() {
        // what is pending is dropped: the stream is broken and must not be fed further
        pending = new byte[0];
        pendingLength = 0;
        lineStart = 0;
        return new IllegalStateException("event-stream event longer than " + maxEventBytes + " bytes");
    }

    /** Whether a block has started but not yet been ended by a blank line. */
    public boolean hasPartialEvent() {
        return blockHasLines || pendingLength > lineStart;
    }

    private void processLine(byte[] data, int from, int to) {
        if (firstLine) {
            firstLine = false;
            if (to - from >= 3 && data[from] == (byte) 0xEF && data[from + 1] == (byte) 0xBB && data[from + 2] == (byte) 0xBF) {
                from += 3;
                if (from == to) {
                    return;
                }
            }
        }
        if (data[from] == ':') {
            return;
        }
        int colon = -1;
        for (int i = from; i < to; i++) {
            if (data[i] == ':') {
                colon = i;
                break;
            }
        }
        int fieldEnd = colon < 0 ? to : colon;
        int valueStart = colon < 0 ? to : colon + 1;
        if (valueStart < to && data[valueStart] == ' ') {
            valueStart++;
        }
        if (is(data, from, fieldEnd, "data")) {
            String value = text(data, valueStart, to);
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
            eventName = text(data, valueStart, to);
        } else if (is(data, from, fieldEnd, "id")) {
            String value = text(data, valueStart, to);
            if (value.indexOf('\0') < 0) {
                lastEventId = value;
            }
        } else if (is(data, from, fieldEnd, "retry")) {
            retry = digits(data, valueStart, to);
        }
        // unknown fields are ignored by the spec
    }

    private static String text(byte[] data, int from, int to) {
        return new String(data, from, to - from, StandardCharsets.UTF_8);
    }

    private static boolean is(byte[] data, int from, int to, String field) {
        if (to - from != field.length()) {
            return false;
        }
        for (int i = 0; i < field.length(); i++) {
            if (data[from + i] != field.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A retry value made of ASCII digits only, else null (ignored like any other invalid value). */
    private static Long digits(byte[] data, int from, int to) {
        if (from == to || to - from > 18) {
            return null;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            byte c = data[i];
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
