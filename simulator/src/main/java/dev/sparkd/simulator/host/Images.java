package dev.sparkd.simulator.host;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The docker daemon's local images. By default every image counts as present (nothing to pull); with a configured
 * list ({@code [sparks.X] images}) any other image is pulled on first {@code docker run} or {@code docker pull}, taking
 * {@code imageSize / pullBytesPerSecond} — a vLLM image is 10–20 GB.
 */
public final class Images {
    private final Set<String> present = new HashSet<>();
    private volatile boolean allPresent = true;
    private volatile long imageSize = 12_000_000_000L;
    private volatile long pullBytesPerSecond = 1_000_000_000L;

    /** Only {@code images} (and what gets pulled later) are present; others must be pulled. */
    public synchronized void configure(List<String> images, long size, long bytesPerSecond) {
        allPresent = false;
        present.clear();
        images.forEach(i -> present.add(normalise(i)));
        imageSize = size;
        pullBytesPerSecond = Math.max(1, bytesPerSecond);
    }

    public synchronized boolean has(String image) {
        return allPresent || present.contains(normalise(image));
    }

    public synchronized void add(String image) {
        present.add(normalise(image));
    }

    public synchronized void remove(String image) {
        present.remove(normalise(image));
    }

    public long imageSize() {
        return imageSize;
    }

    /** How long pulling one image takes. */
    public long pullMillis() {
        return Math.max(1, imageSize * 1000 / pullBytesPerSecond);
    }

    /** docker's reference normalisation: no tag means {@code :latest}. */
    static String normalise(String image) {
        int slash = image.lastIndexOf('/');
        return image.indexOf(':', slash + 1) < 0 && !image.contains("@") ? image + ":latest" : image;
    }
}
