package dev.sparkd.core.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a byte stream into newline-terminated text lines (NDJSON framing), whatever the chunk
 * boundaries: bytes are buffered until a line feed, so a UTF-8 character split across two network
 * reads is decoded whole. A trailing CR is dropped; blank lines are skipped. Not thread-safe: one
 * instance per stream.
 */
public final class LineSplitter {

    /** Ollama's own client caps a line at 8 MB; a longer line means a broken or hostile server. */
    public static final int DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;

    private final int maxLineBytes;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** A splitter with the default line limit. */
    public LineSplitter() {
        this(DEFAULT_MAX_LINE_BYTES);
    }

    /** A splitter that fails on lines longer than {@code maxLineBytes}. */
    public LineSplitter(int maxLineBytes) {
        if (maxLineBytes <= 0) {
            throw new IllegalArgumentException("maxLineBytes must be positive");
        }
        this.maxLineBytes = maxLineBytes;
    }

    /** Consumes a chunk and returns the lines it completed (possibly none). */
    public List<String> feed(byte[] chunk) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < chunk.length; i++) {
            if (chunk[i] == '\n') {
                pending.write(chunk, start, i - start);
                emit(lines);
                start = i + 1;
            }
        }
        pending.write(chunk, start, chunk.length - start);
        if (pending.size() > maxLineBytes) {
            throw new IllegalStateException("line longer than " + maxLineBytes + " bytes");
        }
        return lines;
    }

    /** Ends the stream: returns the last line if it had no terminating newline. */
    public List<String> finish() {
        List<String> lines = new ArrayList<>();
        emit(lines);
        return lines;
    }

    private void emit(List<String> lines) {
        byte[] bytes = pending.toByteArray();
        pending.reset();
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\r') {
            end--;
        }
        String line = new String(bytes, 0, end, StandardCharsets.UTF_8);
        if (!line.isBlank()) {
            lines.add(line);
        }
    }
}
