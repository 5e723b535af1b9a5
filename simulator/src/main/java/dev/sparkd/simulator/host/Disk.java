package dev.sparkd.simulator.host;

/**
 * The models directory of one simulated host: what {@code df} reports and what Ollama pulls consume.
 * Thread-safe; shared by the HTTP side (pulls, deletes) and the SSH side ({@code df}).
 */
public final class Disk {
    private final String path;
    private final long totalBytes;
    private long usedBytes;
    private boolean full;

    public Disk(String path, long totalBytes, long usedBytes) {
        if (usedBytes > totalBytes) {
            throw new IllegalArgumentException("used " + usedBytes + " > total " + totalBytes);
        }
        this.path = path;
        this.totalBytes = totalBytes;
        this.usedBytes = usedBytes;
    }

    public String path() {
        return path;
    }

    public long total() {
        return totalBytes;
    }

    public synchronized long used() {
        return full ? totalBytes : usedBytes;
    }

    public synchronized long free() {
        return full ? 0 : totalBytes - usedBytes;
    }

    /** Takes {@code bytes} of space; false (and nothing taken) when there is not enough. */
    public synchronized boolean allocate(long bytes) {
        if (bytes < 0 || bytes > free()) {
            return false;
        }
        usedBytes += bytes;
        return true;
    }

    public synchronized void release(long bytes) {
        usedBytes = Math.max(0, usedBytes - bytes);
    }

    /** The "disk full" fault: {@link #free()} answers 0 and every allocation fails until cleared. */
    public synchronized void setFull(boolean full) {
        this.full = full;
    }

    public synchronized boolean isFull() {
        return full;
    }
}
