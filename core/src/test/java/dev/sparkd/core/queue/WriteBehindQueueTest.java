package dev.sparkd.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class WriteBehindQueueTest {

    /** A writer whose writes complete only when the test says so. */
    static final class ManualWriter {
        final List<List<Integer>> batches = new ArrayList<>();
        final List<CompletableFuture<Void>> writes = new ArrayList<>();

        synchronized CompletionStage<Void> write(List<Integer> batch) {
            batches.add(List.copyOf(batch));
            CompletableFuture<Void> f = new CompletableFuture<>();
            writes.add(f);
            return f;
        }

        void complete(int i) {
            writes.get(i).complete(null);
        }

        void fail(int i) {
            writes.get(i).completeExceptionally(new IllegalStateException("database down"));
        }
    }

    @Test
    void writesBatchesInOfferOrderOneAtATime() {
        ManualWriter w = new ManualWriter();
        WriteBehindQueue<Integer> q = new WriteBehindQueue<>("test", 100, 3, 100, w::write, e -> false);
        for (int i = 1; i <= 7; i++) {
            q.offer(i);
        }
        assertThat(w.batches).isEmpty();
        q.flush();
        q.flush();
        assertThat(w.batches).containsExactly(List.of(1, 2, 3));
        assertThat(q.counts().pending()).isEqualTo(7);
        w.complete(0);
        q.flush();
        w.complete(1);
        q.flush();
        w.complete(2);
        assertThat(w.batches).containsExactly(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7));
        assertThat(q.counts().written()).isEqualTo(7);
        assertThat(q.idle()).isTrue();
    }

    @Test
    void anOfferReachingFlushAtStartsAWriteAndFollowUpBatchesGoOnTheirOwn() {
        ManualWriter w = new ManualWriter();
        WriteBehindQueue<Integer> q = new WriteBehindQueue<>("test", 100, 2, 2, w::write, e -> false);
        q.offer(1);
        assertThat(w.batches).isEmpty();
        q.offer(2);
        assertThat(w.batches).containsExactly(List.of(1, 2));
        q.offer(3);
        q.offer(4);
        q.offer(5);
        assertThat(w.batches).hasSize(1);
        w.complete(0);
        assertThat(w.batches).containsExactly(List.of(1, 2), List.of(3, 4));
        w.complete(1);
        assertThat(w.batches).hasSize(2);
        assertThat(q.counts().pending()).isEqualTo(1);
    }

    @Test
    void eagerQueueWritesAtOnceAndBatchesWhatArrivesDuringAWrite() {
        ManualWriter w = new ManualWriter();
        WriteBehindQueue<Integer> q = new WriteBehindQueue<>("test", 100, 50, 1, w::write, e -> false);
        q.offer(1);
        q.offer(2);
        q.offer(3);
        assertThat(w.batches).containsExactly(List.of(1));
        w.complete(0);
        assertThat(w.batches).containsExactly(List.of(1), List.of(2, 3));
        w.complete(1);
        assertThat(q.idle()).isTrue();
    }

    @Test
    void boundedInEntriesCountingInFlightOnes() {
        ManualWriter w = new ManualWriter();
        WriteBehindQueue<Integer> q = new WriteBehindQueue<>("test", 4, 2, 4, w::write, e -> false);
        for (int i = 1; i <= 3; i++) {
            assertThat(q.offer(i)).isTrue();
        }
        q.flush();
        assertThat(q.offer(4)).isTrue();
        assertThat(q.offer(5)).isFalse();
        assertThat(q.offer(6)).isFalse();
        assertThat(q.counts().dropped()).isEqualTo(2);
        assertThat(q.counts().pending()).isEqualTo(4);
        w.complete(0);
        assertThat(q.offer(7)).isTrue();
        q.flush();
        w.complete(1);
        assertThat(w.batches).containsExactly(List.of(1, 2), List.of(3, 4));
    }

    @Test
    void aFailedWriteKeepsItsEntriesAtTheHeadInOrder() {
        ManualWriter w = new ManualWriter();
        WriteBehindQueue<Integer> q = new WriteBehindQueue<>("test", 100, 2, 100, w::write, e -> false);
        q.offer(1);
        q.offer(2);
        q.offer(3);
        q.flush();
        q.offer(4);
        w.fail(0);
        assertThat(q.counts().failures()).isEqualTo(1);
        assertThat(q.counts().written()).isZero();
        assertThat(q.counts().pending()).isEqualTo(4);
        q.flush();
        w.complete(1);
        q.flush();
        w.complete(2);
        assertThat(w.batches).containsExactly(List.of(1, 2), List.of(1, 2), List.of(3, 4));
        assertThat(q.counts().written()).isEqualTo(4);
    }

    @Test
    void aRefusedBatchIsSplitInHalvesUntilTheBadEntryIsAloneAndTheRestIsWritten() {
        List<List<Integer>> written = new ArrayList<>();
        List<List<Integer>> tried = new ArrayList<>();
        WriteBehindQueue<Integer> q = new WriteBehindQueue<>("test", 100, 4, 100, batch -> {
            tried.add(List.copyOf(batch));
            if (batch.contains(2)) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("invalid byte sequence"));
            }
            written.add(List.copyOf(batch));
            return CompletableFuture.completedFuture(null);
        }, e -> e instanceof IllegalArgumentException);
        for (int i = 1; i <= 6; i++) {
            q.offer(i);
        }
        q.flush();
        // the refused batch is split at once, half by half; after it, batches are whole again
        assertThat(tried).containsExactly(List.of(1, 2, 3, 4), List.of(1, 2), List.of(1), List.of(2), List.of(3, 4));
        assertThat(q.counts().deadLettered()).isEqualTo(1);
        q.flush();
        assertThat(written).containsExactly(List.of(1), List.of(3, 4), List.of(5, 6));
        assertThat(q.counts().written()).isEqualTo(5);
        assertThat(q.counts().failures()).isZero();
        assertThat(q.idle()).isTrue();
    }

    @Test
    void aWriterThatThrowsCountsAsAFailedWrite() {
        List<List<Integer>> seen = new ArrayList<>();
        WriteBehindQueue<Integer> q = new WriteBehindQueue<>("test", 10, 5, 10, batch -> {
            seen.add(List.copyOf(batch));
            if (seen.size() == 1) {
                throw new IllegalStateException("no session");
            }
            return CompletableFuture.completedFuture(null);
        }, e -> false);
        q.offer(1);
        q.flush();
        assertThat(q.counts().failures()).isEqualTo(1);
        assertThat(q.counts().pending()).isEqualTo(1);
        q.flush();
        assertThat(seen).containsExactly(List.of(1), List.of(1));
        assertThat(q.idle()).isTrue();
    }

    @Test
    void drainWritesEverythingFromManyThreadsInPerThreadOrder() throws Exception {
        List<Integer> written = new CopyOnWriteArrayList<>();
        ExecutorService async = Executors.newSingleThreadExecutor();
        WriteBehindQueue<Integer> q = new WriteBehindQueue<>("test", 100_000, 64, 64,
                batch -> CompletableFuture.runAsync(() -> written.addAll(batch), async), e -> false);
        ExecutorService producers = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            int base = t * 10_000;
            producers.execute(() -> {
                for (int i = 0; i < 5_000; i++) {
                    q.offer(base + i);
                }
            });
        }
        producers.shutdown();
        assertThat(producers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(q.drain(Duration.ofSeconds(10))).isTrue();
        async.shutdown();
        assertThat(written).hasSize(20_000).doesNotHaveDuplicates();
        for (int t = 0; t < 4; t++) {
            int base = t * 10_000;
            assertThat(written.stream().filter(v -> v >= base && v < base + 10_000).toList()).isSorted();
        }
        assertThat(q.counts().written()).isEqualTo(20_000);
    }

    @Test
    void drainGivesUpAtItsLimitWhileWritesFail() {
        WriteBehindQueue<Integer> q = new WriteBehindQueue<>("test", 10, 5, 10,
                batch -> CompletableFuture.failedFuture(new IllegalStateException("down")), e -> false);
        q.offer(1);
        long start = System.nanoTime();
        assertThat(q.drain(Duration.ofMillis(200))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(q.counts().pending()).isEqualTo(1);
    }
}
