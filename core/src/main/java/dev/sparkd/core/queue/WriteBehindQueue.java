package dev.sparkd.core.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;

import org.jboss.logging.Logger;

/**
 * Write-behind: callers hand entries over without waiting for I/O, and batches of them go to a {@code writer} in the
 * order they were offered, one batch in flight at a time. Every write has a deadline ({@code writeTimeout}); one that
 * fails or passes it keeps its batch for a later try.
 * <p>
 * A write the database refuses as data (bad bytes, a constraint) is split in halves, and the halves are tried on their
 * own, down to single entries, so one bad entry never holds back the others; an entry refused on its own goes to the
 * dead-letter file ({@code <name>.dead-letter}) and is counted in {@link Counts#deadLettered()}.
 * <p>
 * Durable queues ({@link #durable}) are bounded in bytes (each entry weighs its encoded length) and keep the rest on
 * disk: while the writer fails, or when memory holds more than half the bound, {@link #maintain()} moves the queued
 * entries, in order, to the append-only spill file ({@code <name>.spill}, fsynced once per call) and from then on
 * replays from that file first, oldest first, until it is empty; entries left at shutdown go there too and are replayed
 * at the next start. A replay may write a batch twice (an insert that timed out may still have committed): writers
 * must make that harmless, e.g. with an id per entry and {@code ON CONFLICT DO NOTHING}. Only a memory bound reached
 * between two {@code maintain} calls drops entries (counted in {@link Counts#dropped()}).
 * <p>
 * Nothing here schedules: {@code maintain} (blocking, one caller at a time) runs on its owner's timer, {@link #flush()}
 * (non-blocking) also from {@link #offer} when {@code flushAt} entries are waiting.
 */
public final class WriteBehindQueue<T> {
    /** Entries encoded and appended to the spill file at a time (a few hundred KB). */
    static final int SPILL_CHUNK = 256;

    private static final Logger LOG = Logger.getLogger(WriteBehindQueue.class);
    static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

    /** One queued entry and what it counts against the bound. */
    private record Held<T>(T entry, long weight) {
    }

    private final String name;
    private final long capacity;
    private final int batchSize;
    private final int flushAt;
    private final Function<List<T>, ? extends CompletionStage<?>> writer;
    private final Predicate<Throwable> refused;
    private final Duration writeTimeout;
    private final Codec<T> codec;
    private final SpillFile spill;
    private final Path deadLetterFile;

    // guarded by this
    private final ArrayDeque<Held<T>> entries = new ArrayDeque<>();
    private long weight;
    private int inFlight;
    /** What the batch in flight from memory counts against the bound until it is settled. */
    private long inFlightWeight;
    /** Sizes of the next batches at the head, after a batch was refused and split; empty: {@code batchSize}. */
    private final ArrayDeque<Integer> segments = new ArrayDeque<>();
    private boolean failing;
    private boolean shutDown;
    private long written;
    private long dropped;
    private long deadLettered;
    private long failures;

    /**
     * A queue kept in memory only, for rows that may be lost with the process.
     *
     * @param name      what the entries are, for log lines ("ledger", "audit")
     * @param capacity  most entries pending at once; more are dropped
     * @param batchSize most entries handed to one {@code writer} call
     * @param flushAt   an offer that brings the queue to this many entries starts a flush at once (1: write as soon as
     *                  possible, batching only what arrives while a write is in flight)
     * @param writer    writes one batch; completes when the batch is durable, fails to keep it queued
     * @param refused   whether a failure means the entries were refused (retrying them as they are cannot help)
     */
    public WriteBehindQueue(String name, int capacity, int batchSize, int flushAt,
            Function<List<T>, ? extends CompletionStage<?>> writer, Predicate<Throwable> refused) {
        this(name, capacity, batchSize, flushAt, DEFAULT_WRITE_TIMEOUT, writer, refused, null, null);
    }

    private WriteBehindQueue(String name, long capacity, int batchSize, int flushAt, Duration writeTimeout,
            Function<List<T>, ? extends CompletionStage<?>> writer, Predicate<Throwable> refused, Codec<T> codec, Path dir) {
        if (capacity < 1 || batchSize < 1 || flushAt < 1 || flushAt > capacity) {
            throw new IllegalArgumentException("need capacity, batchSize, flushAt >= 1 and flushAt <= capacity");
        }
        this.name = name;
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.flushAt = flushAt;
        this.writeTimeout = writeTimeout;
        this.writer = writer;
        this.refused = refused;
        this.codec = codec;
        this.spill = dir == null ? null : new SpillFile(dir, name);
        this.deadLetterFile = dir == null ? null : dir.resolve(name + ".dead-letter");
        if (spill != null && !spill.isEmpty()) {
            LOG.infof("%s: %d entries wait in %s from an earlier run; writing them first", name, spill.lines(), spill.path());
        }
    }

    /**
     * A queue that loses nothing it accepted while its files are writable: bounded in bytes, spilling to
     * {@code <dir>/<name>.spill} and dead-lettering to {@code <dir>/<name>.dead-letter}.
     *
     * @param maxBytes     most bytes (encoded length) held in memory; half of it starts a spill
     * @param writeTimeout how long one write may take before its batch counts as not written
     */
    public static <T> WriteBehindQueue<T> durable(String name, Path dir, Codec<T> codec, long maxBytes, int batchSize,
            int flushAt, Duration writeTimeout, Function<List<T>, ? extends CompletionStage<?>> writer, Predicate<Throwable> refused) {
        return new WriteBehindQueue<>(name, maxBytes, batchSize, flushAt, writeTimeout, writer, refused, codec, dir);
    }

    /** Queues {@code entry}; false (and counted as dropped) when the memory bound is reached. Never waits for I/O. */
    public boolean offer(T entry) {
        long w = codec == null ? 1 : codec.weight(entry);
        boolean start;
        synchronized (this) {
            if (shutDown && spill != null) {
                return spillAfterShutdown(entry);
            }
            if (weight + inFlightWeight + w > capacity) {
                dropped++;
                return false;
            }
            entries.addLast(new Held<>(entry, w));
            weight += w;
            start = inFlight == 0 && entries.size() >= flushAt && spillEmpty();
        }
        if (start) {
            flush();
        }
        return true;
    }

    /** Starts writing the oldest batch from memory unless a write is in flight, nothing is queued or the spill file
     * must be replayed first (that is {@link #maintain()}'s job); returns at once. */
    public void flush() {
        List<T> batch;
        synchronized (this) {
            if (inFlight > 0 || entries.isEmpty() || !spillEmpty()) {
                return;
            }
            int size = nextBatchSize();
            batch = new ArrayList<>(Math.min(size, entries.size()));
            while (batch.size() < size && !entries.isEmpty()) {
                Held<T> h = entries.pollFirst();
                weight -= h.weight();
                inFlightWeight += h.weight();
                batch.add(h.entry());
            }
            inFlight = batch.size();
        }
        write(batch).whenComplete((ok, failure) -> settleMemory(batch, unwrap(failure)));
    }

    /**
     * What the owner's timer calls (blocking: a worker thread, one caller at a time): moves memory to the spill file
     * when writes fail or memory is half full, fsyncs the file, replays it for up to {@code budget}, then starts a
     * write from memory.
     */
    public void maintain(Duration budget) {
        if (spill != null) {
            try {
                spillMemoryIfNeeded();
                replay(System.nanoTime() + budget.toNanos());
            } catch (IOException e) {
                LOG.errorf("%s: the spill file %s failed (%s); entries stay in memory", name, spill.path(), e.getMessage());
            }
        }
        flush();
    }

    /**
     * Moves memory to the spill file when writes fail or memory is half full, without waiting for a write in flight:
     * the owner calls it on a thread of its own, because {@link #maintain} may wait up to the write timeout on a
     * replay while new entries keep arriving (a stalled PostgreSQL under load filled memory within a second and most
     * entries were dropped). A batch in flight that then fails goes back to memory and reaches the file after entries
     * newer than it: the order of rows may differ, none is lost (each keeps its id). Blocking: a worker thread.
     */
    public void spillIfNeeded() {
        if (spill == null) {
            return;
        }
        try {
            spillMemoryIfNeeded();
        } catch (IOException e) {
            LOG.errorf("%s: the spill file %s failed (%s); entries stay in memory", name, spill.path(), e.getMessage());
        }
    }

    private void spillMemoryIfNeeded() throws IOException {
        synchronized (this) {
            boolean needed = failing || weight + inFlightWeight > capacity / 2 || !spill.isEmpty() || shutDown;
            if (!entries.isEmpty() && needed) {
                spillMemory();
            }
        }
        if (spill.unsynced()) {
            spill.sync();
        }
    }

    // under this. In chunks, oldest first: encoding all of memory at once (8 MB of ledger entries as lines, then as
    // one text, then as bytes) needed several times the entries' own size and ended a router with a 64 MB heap in
    // OutOfMemoryError the moment PostgreSQL stalled under load. An entry leaves memory only once its line is written.
    private void spillMemory() throws IOException {
        int moved = 0;
        List<String> chunk = new ArrayList<>(SPILL_CHUNK);
        while (!entries.isEmpty()) {
            chunk.clear();
            for (Held<T> h : entries) {
                if (chunk.size() == SPILL_CHUNK) {
                    break;
                }
                chunk.add(line(h.entry()));
            }
            spill.append(chunk);
            for (int i = 0; i < chunk.size(); i++) {
                weight -= entries.pollFirst().weight();
            }
            moved += chunk.size();
        }
        weight = 0;
        if (moved > 0) {
            LOG.debugf("%s: %d entries moved to %s", name, moved, spill.path());
        }
    }

    private void replay(long deadline) throws IOException {
        while (System.nanoTime() < deadline) {
            List<SpillFile.Line> lines;
            List<T> batch = new ArrayList<>();
            synchronized (this) {
                if (inFlight > 0 || spill.isEmpty()) {
                    return;
                }
                lines = spill.peek(nextBatchSize());
                for (SpillFile.Line l : lines) {
                    T entry;
                    try {
                        entry = codec.decode(l.text());
                    } catch (RuntimeException e) {
                        entry = null;
                    }
                    if (entry == null) {
                        // unreadable (a damaged file): out of the way, kept for a person to look at
                        if (batch.isEmpty()) {
                            deadLetter(l.text(), "unreadable spill line");
                            spill.consumed(l, 1);
                        }
                        break;
                    }
                    batch.add(entry);
                }
                if (batch.isEmpty()) {
                    continue;
                }
                lines = lines.subList(0, batch.size());
                inFlight = batch.size();
            }
            Throwable failure = await(write(batch));
            synchronized (this) {
                inFlight = 0;
                if (failure == null) {
                    written += batch.size();
                    failing = false;
                    popSegment();
                    spill.consumed(lines.get(lines.size() - 1), lines.size());
                } else if (refused.test(failure)) {
                    if (batch.size() == 1) {
                        deadLetter(lines.get(0).text(), failure.getMessage());
                        popSegment();
                        spill.consumed(lines.get(0), 1);
                    } else {
                        split(batch.size(), failure);
                    }
                } else {
                    failed(batch.size(), failure);
                    return;
                }
            }
        }
    }

    private Throwable await(CompletableFuture<?> write) {
        try {
            write.get(writeTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return unwrap(e.getCause());
        } catch (TimeoutException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    private CompletableFuture<?> write(List<T> batch) {
        CompletableFuture<?> write;
        try {
            write = writer.apply(batch).toCompletableFuture().copy();
        } catch (RuntimeException e) {
            write = CompletableFuture.failedFuture(e);
        }
        return write.orTimeout(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void settleMemory(List<T> batch, Throwable failure) {
        boolean more;
        synchronized (this) {
            inFlight = 0;
            inFlightWeight = 0;
            if (failure == null) {
                written += batch.size();
                failing = false;
                popSegment();
                more = !segments.isEmpty() ? !entries.isEmpty() : entries.size() >= flushAt;
            } else if (refused.test(failure)) {
                if (batch.size() == 1) {
                    deadLetter(codec == null ? String.valueOf(batch.get(0)) : line(batch.get(0)), failure.getMessage());
                    popSegment();
                } else {
                    putBack(batch);
                    split(batch.size(), failure);
                }
                more = !entries.isEmpty();
            } else {
                putBack(batch);
                failed(batch.size(), failure);
                more = false;
            }
        }
        if (more) {
            flush();
        }
    }

    // under this
    private void split(int size, Throwable failure) {
        popSegment();
        segments.addFirst(size - size / 2);
        segments.addFirst(size / 2);
        LOG.warnf("%s: the database refused a batch of %d (%s); writing it in halves", name, size, failure.getMessage());
    }

    // under this
    private void failed(int size, Throwable failure) {
        failures++;
        if (!failing) {
            LOG.warnf("%s: writing %d entries failed (%s); they are kept%s", name, size, describe(failure),
                    spill == null ? " in memory" : ", on disk while the database stays unavailable");
        }
        failing = true;
    }

    // under this
    private void deadLetter(String line, String reason) {
        deadLettered++;
        LOG.errorf("%s: the database refused an entry on its own (%s); %s", name, reason,
                deadLetterFile == null ? "dropped" : "kept in " + deadLetterFile);
        if (deadLetterFile == null) {
            return;
        }
        String record = Instant.now() + "\t" + StoredText.clean(String.valueOf(reason), 2048).replace('\t', ' ').replace('\n', ' ')
                .replace('\r', ' ') + "\t" + line + "\n";
        try {
            Files.writeString(deadLetterFile, record, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        } catch (IOException e) {
            LOG.errorf("%s: cannot write the dead-letter file %s (%s); the entry is lost", name, deadLetterFile, e.getMessage());
        }
    }

    // under this
    private boolean spillAfterShutdown(T entry) {
        try {
            spill.append(List.of(line(entry)));
            spill.sync();
            return true;
        } catch (IOException e) {
            dropped++;
            LOG.errorf("%s: an entry that came after shutdown could not be spilled (%s)", name, e.getMessage());
            return false;
        }
    }

    private String line(T entry) {
        String line = codec.encode(entry);
        if (line.indexOf('\n') >= 0) {
            throw new IllegalStateException(name + ": an encoded entry must be one line");
        }
        return line;
    }

    // under this
    private int nextBatchSize() {
        return segments.isEmpty() ? batchSize : segments.peekFirst();
    }

    // under this
    private void popSegment() {
        segments.pollFirst();
    }

    // under this
    private boolean spillEmpty() {
        return spill == null || spill.isEmpty();
    }

    private void putBack(List<T> batch) {
        for (int i = batch.size() - 1; i >= 0; i--) {
            T entry = batch.get(i);
            long w = codec == null ? 1 : codec.weight(entry);
            entries.addFirst(new Held<>(entry, w));
            weight += w;
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static String describe(Throwable failure) {
        return failure instanceof TimeoutException ? "no answer in time" : String.valueOf(failure.getMessage());
    }

    /**
     * Writes everything pending, waiting up to {@code limit}; true when nothing is left. A durable queue then moves
     * what is left to its spill file (replayed at the next start) and takes later entries straight there. Blocking:
     * for shutdown and tests, never on an event loop.
     */
    public boolean drain(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!idle()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            maintain(Duration.ofNanos(left));
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return idle();
    }

    /**
     * Stops taking entries into memory: what is queued goes to the spill file (for the next start), and so does every
     * later offer. Blocking. A queue without a spill file only reports what it loses.
     */
    public void shutDown() {
        synchronized (this) {
            shutDown = true;
            if (spill == null) {
                if (!entries.isEmpty()) {
                    LOG.errorf("%s: %d entries could not be written before shutdown", name, entries.size() + inFlight);
                }
                return;
            }
            try {
                if (!entries.isEmpty()) {
                    int n = entries.size();
                    spillMemory();
                    LOG.warnf("%s: %d entries kept in %s for the next start", name, n, spill.path());
                }
                spill.sync();
            } catch (IOException e) {
                throw new UncheckedIOException(name + ": cannot keep the queue in " + spill.path(), e);
            }
        }
    }

    /** True when every entry offered so far is written (or dropped, or dead-lettered). */
    public synchronized boolean idle() {
        return entries.isEmpty() && inFlight == 0 && spillEmpty();
    }

    /**
     * What the queue has done and holds, read at one instant (one lock, so the figures agree with each other).
     *
     * @param pending entries not yet written: in memory, in flight and in the spill file
     * @param spilledPending entries waiting in the spill file
     * @param written entries written
     * @param dropped entries refused because memory was full
     * @param deadLettered entries the database refused on their own (moved to the dead-letter file when there is one)
     * @param failures failed writes (errors and timeouts) that kept their batch
     * @param failing whether the last write failed (not refused): the database is down or slow
     */
    public record Counts(long pending, long spilledPending, long written, long dropped, long deadLettered,
                         long failures, boolean failing) {
    }

    public synchronized Counts counts() {
        long inSpill = spill == null ? 0 : spill.lines();
        return new Counts(entries.size() + inFlight + inSpill, inSpill, written, dropped, deadLettered, failures, failing);
    }
}
