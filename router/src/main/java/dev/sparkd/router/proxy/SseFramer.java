package dev.sparkd.router.proxy;

import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;

/**
 * Splits an event stream into whole events (up to and including the blank line) as bytes arrive; a chunk boundary
 * may fall anywhere, also inside a CRLF. Bytes are never changed: forwarding an event forwards exactly what came.
 */
public final class SseFramer {
    private Buffer pending;

    /** Feeds bytes; calls {@code onEvent} for every event completed by them, in order. */
    public void feed(Buffer chunk, Consumer<Buffer> onEvent) {
        Buffer data;
        int scanFrom;
        if (pending == null || pending.length() == 0) {
            data = chunk;
            scanFrom = 0;
        } else {
            scanFrom = Math.max(0, pending.length() - 3);
            pending.appendBuffer(chunk);
            data = pending;
        }
        ByteBuf bytes = data.getByteBuf();
        int len = data.length();
        int start = 0;
        for (int i = scanFrom; i < len; i++) {
            if (bytes.getByte(i) != '\n') {
                continue;
            }
            // a line ends at i; the event ends if the line is empty: "\n\n" or "\n\r\n"
            int end = -1;
            if (i + 1 < len && bytes.getByte(i + 1) == '\n') {
                end = i + 2;
            } else if (i + 2 < len && bytes.getByte(i + 1) == '\r' && bytes.getByte(i + 2) == '\n') {
                end = i + 3;
            }
            if (end > 0 && end - 1 >= start) {
                onEvent.accept(data.getBuffer(start, end));
                start = end;
                i = end - 1;
            }
        }
        if (start >= len) {
            pending = null;
        } else {
            Buffer rest = Buffer.buffer(len - start + 256);
            rest.appendBuffer(data, start, len - start);
            pending = rest;
        }
    }

    /** Bytes of an unfinished event (dropped at the end of a stream, as the event-stream rules say). */
    public int pendingBytes() {
        return pending == null ? 0 : pending.length();
    }

    /** The {@code data:} payload of an event (lines joined with \n), or null when it has none. */
    public static String data(Buffer event) {
        String text = event.toString();
        StringBuilder out = null;
        int pos = 0;
        while (pos < text.length()) {
            int nl = text.indexOf('\n', pos);
            if (nl < 0) {
                nl = text.length();
            }
            String line = text.substring(pos, nl > pos && text.charAt(nl - 1) == '\r' ? nl - 1 : nl);
            if (line.startsWith("data:")) {
                String v = line.length() > 5 && line.charAt(5) == ' ' ? line.substring(6) : line.substring(5);
                if (out == null) {
                    out = new StringBuilder(v);
                } else {
                    out.append('\n').append(v);
                }
            }
            pos = nl + 1;
        }
        return out == null ? null : out.toString();
    }

    /** The {@code event:} name of an event, or "message". */
    public static String name(Buffer event) {
        String text = event.toString();
        int pos = 0;
        while (pos < text.length()) {
            int nl = text.indexOf('\n', pos);
            if (nl < 0) {
                nl = text.length();
            }
            String line = text.substring(pos, nl > pos && text.charAt(nl - 1) == '\r' ? nl - 1 : nl);
            if (line.startsWith("event:")) {
                return line.substring(line.length() > 6 && line.charAt(6) == ' ' ? 7 : 6);
            }
            pos = nl + 1;
        }
        return "message";
    }
}
