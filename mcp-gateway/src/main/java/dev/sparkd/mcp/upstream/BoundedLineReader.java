package dev.sparkd.mcp.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads newline-terminated lines from a child's stdout or stderr, never holding more than a limit: a longer line is
 * skipped up to its newline without being buffered, and only its first and last few bytes are kept (enough to find a
 * JSON-RPC id). A server that prints a huge message, or never prints a newline, costs a bounded buffer, not the heap.
 * Not thread-safe: one reader per stream, on its own thread.
 */
final class BoundedLineReader {
    /** Bytes kept from each end of a skipped line. */
    static final int KEPT = 4096;

    /** Receives what the reader finds. */
    interface Sink {
        /** A line within the limit, without its newline (and a trailing CR), decoded as UTF-8. */
        void line(String line);

        /**
         * A line longer than the limit, skipped.
         *
         * @param length its length in bytes (it ended at a newline, or at the end of the stream)
         * @param head   its first bytes (at most {@link #KEPT}), as UTF-8 text
         * @param tail   its last bytes (at most {@link #KEPT}), as UTF-8 text
         */
        void tooLong(long length, String head, String tail);
    }

    private final InputStream in;
    private final int maxLine;
    private final byte[] chunk = new byte[16 * 1024];
    private byte[] line = new byte[8 * 1024];
    private int lineLength;
    /** Bytes of the current line beyond the limit so far; -1 while it is within the limit. */
    private long skipped = -1;
    private final byte[] tail = new byte[KEPT];
    private int tailEnd;
    private boolean tailWrapped;

    BoundedLineReader(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
    }

    /** Reads to the end of the stream, handing every non-blank line to {@code sink}. */
    void run(Sink sink) throws IOException {
        int n;
        while ((n = in.read(chunk)) >= 0) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (chunk[i] == '\n') {
                    append(chunk, start, i - start);
                    emit(sink);
                    start = i + 1;
                }
            }
            append(chunk, start, n - start);
        }
        emit(sink);
    }

    private void append(byte[] b, int off, int len) {
        if (len == 0) {
            return;
        }
        if (skipped < 0 && lineLength + len <= maxLine) {
            if (lineLength + len > line.length) {
                line = Arrays.copyOf(line, Math.min(maxLine, Math.max(lineLength + len, line.length * 2)));
            }
            System.arraycopy(b, off, line, lineLength, len);
            lineLength += len;
            return;
        }
        if (skipped < 0) {
            // over the limit: keep the head that is buffered, drop the rest of the buffer
            int headLength = Math.min(lineLength, KEPT);
            for (int i = headLength; i < lineLength; i++) {
                remember(line[i]);
            }
            skipped = lineLength - headLength;
            lineLength = headLength;
            line = Arrays.copyOf(line, KEPT);
        }
        if (skipped == 0 && lineLength < KEPT) {
            // every byte so far is in the head: it goes on to its full length
            int take = Math.min(len, KEPT - lineLength);
            System.arraycopy(b, off, line, lineLength, take);
            lineLength += take;
            off += take;
            len -= take;
        }
        for (int i = off; i < off + len; i++) {
            remember(b[i]);
        }
        skipped += len;
    }

    private void remember(byte b) {
        tail[tailEnd++] = b;
        if (tailEnd == tail.length) {
            tailEnd = 0;
            tailWrapped = true;
        }
    }

    private void emit(Sink sink) {
        if (skipped >= 0) {
            byte[] t;
            if (tailWrapped) {
                t = new byte[tail.length];
                System.arraycopy(tail, tailEnd, t, 0, tail.length - tailEnd);
                System.arraycopy(tail, 0, t, tail.length - tailEnd, tailEnd);
            } else {
                t = Arrays.copyOf(tail, tailEnd);
            }
            int end = t.length > 0 && t[t.length - 1] == '\r' ? t.length - 1 : t.length;
            sink.tooLong(lineLength + skipped, new String(line, 0, lineLength, StandardCharsets.UTF_8),
                    new String(t, 0, end, StandardCharsets.UTF_8));
            line = new byte[8 * 1024];
        } else {
            int end = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
            if (end > 0) {
                String text = new String(line, 0, end, StandardCharsets.UTF_8);
                if (!text.isBlank()) {
                    sink.line(text);
                }
            }
            if (line.length > 64 * 1024) {
                line = new byte[8 * 1024]; // a large line's buffer is not kept for the small ones after it
            }
        }
        lineLength = 0;
        skipped = -1;
        tailEnd = 0;
        tailWrapped = false;
    }
}
