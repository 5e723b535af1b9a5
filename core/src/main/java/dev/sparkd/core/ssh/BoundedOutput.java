package dev.sparkd.core.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Collects one output stream of a remote command, keeping at most {@code limit} bytes.
 *
 * <p>JSch's session thread writes into it directly; it never blocks, so a command that prints a
 * lot cannot stall the connection other commands share. Bytes beyond the limit are counted and
 * dropped. JSch closes it when the channel ends, which is how the runner learns a command is done.
 */
final class BoundedOutput extends OutputStream {

    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CountDownLatch closed = new CountDownLatch(1);
    private long dropped;

    BoundedOutput(int limit) {
        this.limit = limit;
    }

    @Override
    public synchronized void write(int b) {
        if (kept.size() < limit) {
            kept.write(b);
        } else {
            dropped++;
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        int room = Math.max(0, limit - kept.size());
        int keep = Math.min(room, length);
        kept.write(bytes, offset, keep);
        dropped += length - keep;
    }

    @Override
    public void close() {
        closed.countDown();
    }

    /** Waits up to {@code nanos} for JSch to close this stream; true if it did. */
    boolean awaitClosed(long nanos) throws InterruptedException {
        return closed.await(nanos, TimeUnit.NANOSECONDS);
    }

    /** What was kept, decoded as UTF-8. */
    synchronized String text() {
        return kept.toString(StandardCharsets.UTF_8);
    }

    synchronized boolean truncated() {
        return dropped > 0;
    }
}
