package dev.sparkd.core.db;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * An exclusive lock on a file, between processes and between threads of this JVM.
 *
 * <p>An OS file lock alone is not enough: the JVM owns it, so a second lock on the same file from this
 * JVM fails with {@code OverlappingFileLockException} instead of waiting. A semaphore per path (not a
 * ReentrantLock, because a shutdown hook may release what another thread acquired) covers that case.
 * The OS drops the lock when the process dies, so a crash never leaves it behind.
 */
final class LockFile implements AutoCloseable {

    private static final Map<Path, Semaphore> HELD_IN_THIS_JVM = new ConcurrentHashMap<>();

    private final Path path;
    private final Semaphore inJvm;
    private final FileChannel channel;
    private final FileLock lock;

    private LockFile(Path path, Semaphore inJvm, FileChannel channel, FileLock lock) {
        this.path = path;
        this.inJvm = inJvm;
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits until the lock is free. Blocking. */
    static LockFile acquire(Path path) {
        Semaphore inJvm = semaphore(path);
        inJvm.acquireUninterruptibly();
        return lock(path, inJvm, FileChannel::lock).orElseThrow();
    }

    /** The lock, or empty when another process or thread holds it. */
    static Optional<LockFile> tryAcquire(Path path) {
        Semaphore inJvm = semaphore(path);
        if (!inJvm.tryAcquire()) {
            return Optional.empty();
        }
        return lock(path, inJvm, FileChannel::tryLock);
    }

    /** How the OS lock is taken: {@link FileChannel#lock} waits, {@link FileChannel#tryLock} answers null when held. */
    private interface Locking {
        FileLock take(FileChannel channel) throws IOException;
    }

    /** Takes the OS lock once {@code inJvm} is held; releases both (and the channel) on failure or when it is held. */
    private static Optional<LockFile> lock(Path path, Semaphore inJvm, Locking locking) {
        try {
            FileChannel channel = open(path);
            try {
                FileLock lock = locking.take(channel);
                if (lock == null) {
                    closeQuietly(channel);
                    inJvm.release();
                    return Optional.empty();
                }
                return Optional.of(new LockFile(path, inJvm, channel, lock));
            } catch (IOException | RuntimeException e) {
                closeQuietly(channel);
                throw new EmbeddedPostgresException("could not lock " + path + ": " + e.getMessage(), e);
            }
        } catch (RuntimeException e) {
            inJvm.release();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel below releases it as well.
        }
        closeQuietly(channel);
        inJvm.release();
    }

    private static Semaphore semaphore(Path path) {
        return HELD_IN_THIS_JVM.computeIfAbsent(path.toAbsolutePath().normalize(), p -> new Semaphore(1));
    }

    private static FileChannel open(Path path) {
        try {
            return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new EmbeddedPostgresException("could not open lock file " + path + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing useful to do.
        }
    }
}
