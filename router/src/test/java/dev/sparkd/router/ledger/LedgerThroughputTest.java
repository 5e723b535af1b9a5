package dev.sparkd.router.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.router.SimulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * The ledger against the real database: 10,000 rows in batches of 500 (one transaction, one pipelined round trip
 * each; the figure is logged), a row with a NUL in its upstream error stored cleaned together with the 499 batched
 * with it, and the timer writing on its own.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatorResource.class)
class LedgerThroughputTest {
    private static final Logger LOG = Logger.getLogger(LedgerThroughputTest.class);
    private static final int ROWS = 10_000;

    /** Rows of earlier runs may be replayed from the spill file into this database: every prefix is this run's own. */
    final String run = UUID.randomUUID().toString().substring(0, 8) + "-";

    @Inject
    Ledger ledger;
    @Inject
    Pool pool;

    @Test
    void tenThousandRowsAreWrittenInBatchesOnceEach() {
        write(run + "warm-", 1_000);
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            best = Math.min(best, write(run + "r" + round + "-", ROWS));
        }
        assertThat(count(run + "r2-%")).isEqualTo(ROWS);
        LOG.infof("ledger: %d rows in batches of %d: %d ms (best of 3)", ROWS, Ledger.BATCH, best);
        assertThat(best).as("a gross regression only: %d ms", best).isLessThan(60_000);
    }

    @Test
    void aRowWithANulInItsUpstreamErrorIsStoredCleanedAndThe499BatchedWithItToo() {
        List<LedgerEntry> batch = entries(run + "nul-", Ledger.BATCH);
        LedgerEntry e = batch.get(123);
        batch.set(123, new LedgerEntry(e.at(), e.requestId(), e.endpoint(), e.route(), e.target(), e.provider(), e.keyId(), 502,
                "upstream_error", "upstream 400: invalid field \"na\u0000me\"\u001b[0m", 0, 0, 0, 3.0, null, false, 1, null));
        batch.forEach(ledger::record);
        assertThat(ledger.drain(Duration.ofSeconds(30))).isTrue();
        assertThat(count(run + "nul-%")).isEqualTo(Ledger.BATCH);
        String stored = pool.preparedQuery("select error from router.ledger where request_id = $1").execute(Tuple.of(run + "nul-123"))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getString(0);
        assertThat(stored).isEqualTo("upstream 400: invalid field \"na\uFFFDme\"\uFFFD[0m");
        assertThat(ledger.counts().deadLettered()).isZero();
    }

    @Test
    void theTimerWritesQueuedEntriesFromTheEventLoop() throws InterruptedException {
        ledger.record(entries(run + "timer-", 1).get(0));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (count(run + "timer-%") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(count(run + "timer-%")).as("written by the 200 ms timer, nobody draining").isEqualTo(1);
    }

    /** Through the ledger: queue, batches of 500, one transaction each. */
    private long write(String prefix, int n) {
        List<LedgerEntry> list = entries(prefix, n);
        long start = System.nanoTime();
        list.forEach(ledger::record);
        assertThat(ledger.drain(Duration.ofSeconds(120))).isTrue();
        return (System.nanoTime() - start) / 1_000_000;
    }

    private long count(String pattern) {
        return pool.preparedQuery("select count(*) from router.ledger where request_id like $1").execute(Tuple.of(pattern))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
    }

    private static List<LedgerEntry> entries(String prefix, int n) {
        List<LedgerEntry> out = new ArrayList<>(n);
        Instant at = Instant.now();
        for (int i = 0; i < n; i++) {
            out.add(new LedgerEntry(at, prefix + i, "chat", "bench", "vllm-1", "vllm", "-", 200, "ok", null, 12, 34, 0.0, 5.5,
                    i % 2 == 0 ? 1.5 : null, i % 3 == 0, 1, null));
        }
        return out;
    }
}
