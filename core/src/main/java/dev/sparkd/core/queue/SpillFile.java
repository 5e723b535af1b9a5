package dev.sparkd.core.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An append-only file of entries, one line each, read back from the oldest: the part of a {@link WriteBehindQueue}
 * that waits on disk. {@code <name>.spill} holds the lines, {@code <name>.spill.offset} how many of its bytes are
 * already written to the database. The offset is saved after each replayed batch but not fsynced: after a crash a
 * batch may be replayed twice, which the entries' ids make harmless. Once everything is replayed the file is emptied.
 * A line cut short by a crash (no newline at the end) is dropped at open: its entry was never acknowledged.
 * Not thread-safe: its queue calls it under its own lock.
 */
final class SpillFile implements AutoCloseable {
    private final Path file;
    private final Path offsetFile;
    private final FileChannel channel;
    private long readOffset;
    private long size;
    private long lines;
    private volatile boolean unsynced;

    SpillFile(Path dir, String name) {
        this.file = dir.resolve(name + ".spill");
        this.offsetFile = dir.resolve(name + ".spill.offset");
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            size = completeLinesEnd();
            channel.truncate(size);
            readOffset = Math.min(size, readSavedOffset());
            lines = countLines(readOffset, size);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the spill file " + file, e);
        }
    }

    Path path() {
        return file;
    }

    /** Lines appended and not yet replayed. */
    long lines() {
        return lines;
    }

    boolean isEmpty() {
        return lines == 0;
    }

    /** Appends lines (each without a newline) at the end; durable after {@link #sync()}. */
    void append(List<String> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder(entries.size() * 256);
        for (String e : entries) {
            text.append(e).append('\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        long at = size;
        while (bytes.hasRemaining()) {
            at += channel.write(bytes, at);
        }
        size = at;
        lines += entries.size();
        unsynced = true;
    }

    /**
     * Makes every appended line durable: one fsync for however many appends came before. Safe to call without the
     * queue's lock (positional writes and {@code force} may run concurrently).
     */
    void sync() throws IOException {
        unsynced = false;
        channel.force(false);
    }

    /** Up to {@code max} of the oldest lines not yet replayed, each with the offset just past it. */
    List<Line> peek(int max) throws IOException {
        List<Line> out = new ArrayList<>(Math.min(max, (int) Math.min(lines, 4096)));
        long at = readOffset;
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        byte[] carry = new byte[0];
        while (out.size() < max && at + carry.length < size) {
            buffer.clear();
            int n = channel.read(buffer, at + carry.length);
            if (n <= 0) {
                break;
            }
            byte[] chunk = new byte[carry.length + n];
            System.arraycopy(carry, 0, chunk, 0, carry.length);
            System.arraycopy(buffer.array(), 0, chunk, carry.length, n);
            int start = 0;
            for (int i = 0; i < chunk.length && out.size() < max; i++) {
                if (chunk[i] == '\n') {
                    out.add(new Line(new String(chunk, start, i - start, StandardCharsets.UTF_8), at + i + 1));
                    start = i + 1;
                }
            }
            at += start;
            carry = Arrays.copyOfRange(chunk, start, chunk.length);
        }
        return out;
    }

    /** Marks the oldest {@code count} lines, up to and including {@code last} (from {@link #peek}), as replayed. */
    void consumed(Line last, int count) throws IOException {
        readOffset = last.end();
        lines -= count;
        if (lines == 0) {
            // everything is in the database: start the file afresh
            channel.truncate(0);
            channel.force(false);
            unsynced = false;
            size = 0;
            readOffset = 0;
            Files.deleteIfExists(offsetFile);
        } else {
            Path tmp = offsetFile.resolveSibling(offsetFile.getFileName() + ".tmp");
            Files.writeString(tmp, Long.toString(readOffset));
            Files.move(tmp, offsetFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Whether appended lines wait for {@link #sync()}. */
    boolean unsynced() {
        return unsynced;
    }

    @Override
    public void close() throws IOException {
        sync();
        channel.close();
    }

    /** One spilled entry and the file offset just past it. */
    record Line(String text, long end) {
    }

    private long readSavedOffset() {
        try {
            return Files.exists(offsetFile) ? Long.parseLong(Files.readString(offsetFile).strip()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0; // replaying from the start is safe: the entries' ids make a second insert a no-op
        }
    }

    private long completeLinesEnd() throws IOException {
        long end = channel.size();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (end > 0) {
            one.clear();
            channel.read(one, end - 1);
            if (one.get(0) == '\n') {
                return end;
            }
            end--;
        }
        return 0;
    }

    private long countLines(long from, long to) throws IOException {
        long count = 0;
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        for (long at = from; at < to; ) {
            buffer.clear();
            int n = channel.read(buffer, at);
            if (n <= 0) {
                break;
            }
            for (int i = 0; i < n && at + i < to; i++) {
                if (buffer.get(i) == '\n') {
                    count++;
                }
            }
            at += n;
        }
        return count;
    }
}
