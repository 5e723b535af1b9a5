package dev.sparkd.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableWriteBehindQueueTest {

    public record Row(String id, String text) {
    }

    /** A table keyed by id that inserts a row only once, and can be down, frozen or refuse rows with a NUL. */
    static final class Table {
        final Map<String, String> rows = new LinkedHashMap<>();
        final List<CompletableFuture<Void>> hung = new ArrayList<>();
        volatile String mode = "up";
        int writes;

        synchronized CompletionStage<Void> write(List<Row> batch) {
            writes++;
            switch (mode) {
                case "down":
                    return CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
                case "frozen":
                    CompletableFuture<Void> never = new CompletableFuture<>();
                    hung.add(never);
                    return never;
                default:
                    if (batch.stream().anyMatch(r -> r.text().indexOf('\0') >= 0)) {
                        return CompletableFuture.failedFuture(new IllegalArgumentException("invalid byte sequence for encoding \"UTF8\": 0x00"));
                    }
                    batch.forEach(r -> rows.putIfAbsent(r.id(), r.text()));
                    return CompletableFuture.completedFuture(null);
            }
        }

        synchronized List<String> ids() {
            return List.copyOf(rows.keySet());
        }
    }

    @TempDir
    Path dir;

    private WriteBehindQueue<Row> queue(Table table, long maxBytes, Duration timeout) {
        return WriteBehindQueue.durable("ledger", dir, Codec.json(Row.class), maxBytes, 500, 500, timeout, table::write,
                e -> e instanceof IllegalArgumentException);
    }

    private static List<String> ids(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add("r" + i);
        }
        return out;
    }

    @Test
    void aRowWithANulIsDeadLetteredAndThe499BatchedWithItAreStored() throws Exception {
        Table table = new Table();
        WriteBehindQueue<Row> q = queue(table, 1 << 20, Duration.ofSeconds(5));
        for (int i = 0; i < 500; i++) {
            q.offer(new Row("r" + i, i == 321 ? "upstream said \0 bad" : "ok"));
        }
        assertThat(q.drain(Duration.ofSeconds(5))).isTrue();
        List<String> expected = ids(0, 500);
        expected.remove("r321");
        assertThat(table.ids()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(q.counts().deadLettered()).isEqualTo(1);
        List<String> dead = Files.readAllLines(dir.resolve("ledger.dead-letter"));
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0)).contains("invalid byte sequence").contains("\"id\":\"r321\"");
        // halving finds one bad row among 500 in about 2·log2(500) writes, not 500
        assertThat(table.writes).isLessThan(25);
    }

    @Test
    void whileTheDatabaseIsDownEntriesGoToTheSpillFileAndAreReplayedInOrderWhenItIsBack() {
        Table table = new Table();
        WriteBehindQueue<Row> q = queue(table, 1 << 20, Duration.ofSeconds(5));
        table.mode = "down";
        for (int i = 0; i < 1200; i++) {
            q.offer(new Row("r" + i, "x"));
        }
        q.maintain(Duration.ofMillis(100));
        q.maintain(Duration.ofMillis(100));
        assertThat(q.counts().failing()).isTrue();
        assertThat(q.counts().spilledPending()).isEqualTo(1200);
        for (int i = 1200; i < 1500; i++) {
            q.offer(new Row("r" + i, "x")); // wait in memory behind the spill file
        }
        table.mode = "up";
        q.maintain(Duration.ofSeconds(5));
        q.maintain(Duration.ofSeconds(5));
        assertThat(q.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(table.ids()).containsExactlyElementsOf(ids(0, 1500));
        assertThat(q.counts().written()).isEqualTo(1500);
        assertThat(q.counts().dropped()).isZero();
    }

    @Test
    void aWriteWithNoAnswerTimesOutSpillsAndIsReplayedOnceWithoutDoubles() {
        Table table = new Table();
        WriteBehindQueue<Row> q = queue(table, 1 << 20, Duration.ofMillis(200));
        table.mode = "frozen";
        for (int i = 0; i < 700; i++) {
            q.offer(new Row("r" + i, "x"));
        }
        long start = System.nanoTime();
        q.maintain(Duration.ofMillis(50));
        while (!q.counts().failing() && System.nanoTime() - start < Duration.ofSeconds(5).toNanos()) {
            Thread.onSpinWait();
        }
        assertThat(q.counts().failing()).as("the frozen write timed out").isTrue();
        q.maintain(Duration.ofMillis(50));
        assertThat(q.counts().spilledPending()).isEqualTo(700);
        // the frozen database wakes up: its hung insert commits after all, then the replay writes the same rows again
        table.mode = "up";
        synchronized (table) {
            table.hung.forEach(h -> h.complete(null));
        }
        assertThat(q.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(table.ids()).containsExactlyElementsOf(ids(0, 700));
    }

    @Test
    void whileAWriteHangsMemoryKeepsMovingToDiskAndNothingIsDropped() {
        // A stalled PostgreSQL under load: the write in flight has no answer for its whole timeout, entries keep
        // arriving faster than the bound allows; the spill task (on its own thread) must keep memory below it.
        Table table = new Table();
        WriteBehindQueue<Row> q = queue(table, 20_000, Duration.ofSeconds(30));
        table.mode = "frozen";
        for (int i = 0; i < 500; i++) {
            q.offer(new Row("r" + i, "x"));
        }
        assertThat(table.writes).as("the first full batch went out and hangs").isEqualTo(1);
        int offered = 500;
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 150; i++, offered++) {
                q.offer(new Row("r" + offered, "x"));
            }
            q.spillIfNeeded();
        }
        assertThat(q.counts().dropped()).as("entries dropped while the write hung").isZero();
        assertThat(q.counts().spilledPending()).isGreaterThan(2000);
        // the database comes back without ever answering the hung write: it times out in the end and is written again
        table.mode = "up";
        synchronized (table) {
            table.hung.forEach(h -> h.completeExceptionally(new IllegalStateException("connection reset")));
        }
        for (int i = 0; i < 20 && q.counts().pending() > 0; i++) {
            q.maintain(Duration.ofSeconds(1));
        }
        assertThat(q.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(table.ids()).as("every entry stored once, in whatever order").containsExactlyInAnyOrderElementsOf(ids(0, offered));
    }

    @Test
    void whatIsLeftAtShutdownAndWhatArrivesAfterIsReplayedAtTheNextStart() {
        Table down = new Table();
        down.mode = "down";
        WriteBehindQueue<Row> first = queue(down, 1 << 20, Duration.ofSeconds(1));
        for (int i = 0; i < 50; i++) {
            first.offer(new Row("r" + i, "x"));
        }
        assertThat(first.drain(Duration.ofMillis(200))).isFalse();
        first.shutDown();
        first.offer(new Row("r50", "late"));

        Table table = new Table();
        WriteBehindQueue<Row> next = queue(table, 1 << 20, Duration.ofSeconds(1));
        assertThat(next.counts().pending()).isEqualTo(51);
        assertThat(next.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(table.ids()).containsExactlyElementsOf(ids(0, 51));
    }

    @Test
    void aLineCutShortByACrashIsIgnoredAndAReplayedPrefixIsNotWrittenAgain() throws Exception {
        Table down = new Table();
        down.mode = "down";
        WriteBehindQueue<Row> first = queue(down, 1 << 20, Duration.ofSeconds(1));
        for (int i = 0; i < 10; i++) {
            first.offer(new Row("r" + i, "x"));
        }
        first.shutDown();
        Files.writeString(dir.resolve("ledger.spill"), "{\"id\":\"r10\",\"te", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        Table table = new Table();
        WriteBehindQueue<Row> next = queue(table, 1 << 20, Duration.ofSeconds(1));
        assertThat(next.counts().pending()).isEqualTo(10);
        assertThat(next.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(table.ids()).containsExactlyElementsOf(ids(0, 10));
        assertThat(Files.size(dir.resolve("ledger.spill"))).as("emptied once replayed").isZero();
    }

    @Test
    void memoryIsBoundedInBytesAndHalfOfItStartsASpill() {
        Table table = new Table();
        table.mode = "down";
        WriteBehindQueue<Row> q = queue(table, 10_000, Duration.ofSeconds(30));
        String text = "y".repeat(80);
        int accepted = 0;
        for (int i = 0; i < 1000; i++) {
            if (q.offer(new Row("r" + i, text))) {
                accepted++;
            }
        }
        assertThat(accepted).as("about 10,000 bytes of ~100-byte entries").isBetween(90, 110);
        assertThat(q.counts().dropped()).isEqualTo(1000 - accepted);
        q.maintain(Duration.ofSeconds(1));
        assertThat(q.counts().spilledPending()).as("more than half the bound went to disk").isEqualTo(accepted);
        table.mode = "up";
        assertThat(q.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(table.ids()).hasSize(accepted);
    }
}
