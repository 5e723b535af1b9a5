package dev.sparkd.router.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

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
 * The ledger's batched writes through Hibernate against the plain reactive client's {@code executeBatch} (how the
 * router wrote them before): the same 10,000 rows in batches of 500, one batch at a time, both figures logged. Measured
 * on a loaded 2-core machine Hibernate spends about 3x the time (per-entity work, still one round trip per batch);
 * the bound only catches a gross regression, the row counts are what must hold.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatorResource.class)
class LedgerThroughputTest {
    private static final Logger LOG = Logger.getLogger(LedgerThroughputTest.class);
    private static final String INSERT = "insert into router.ledger (at, request_id, endpoint, route, target, provider, key_id,"
            + " status, outcome, error, prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, stream, attempts, fallbacks)"
            + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";
    private static final int ROWS = 10_000;

    @Inject
    Ledger ledger;
    @Inject
    Pool pool;

    @Test
    void batchedWritesThroughHibernateKeepUpWithThePlainClient() {
        write("warm-h-", 1_000);
        plain(entries("warm-p-", 1_000));
        long hibernate = Long.MAX_VALUE;
        long client = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            hibernate = Math.min(hibernate, write("h" + round + "-", ROWS));
            client = Math.min(client, plain(entries("p" + round + "-", ROWS)));
        }
        assertThat(count("h2-%")).isEqualTo(ROWS);
        assertThat(count("p2-%")).isEqualTo(ROWS);
        LOG.infof("ledger: %d rows in batches of %d: Hibernate Reactive %d ms, reactive client executeBatch %d ms (best of 3)",
                ROWS, Ledger.BATCH, hibernate, client);
        assertThat(hibernate).as("Hibernate %d ms vs plain client %d ms", hibernate, client).isLessThan(client * 5 + 1_000);
    }

    @Test
    void theTimerWritesQueuedEntriesFromTheEventLoop() throws InterruptedException {
        ledger.record(entries("timer-", 1).get(0));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (count("timer-%") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(count("timer-%")).as("written by the 200 ms timer, nobody draining").isEqualTo(1);
    }

    /** Through the ledger: queue, batches of 500, one transaction each. */
    private long write(String prefix, int n) {
        List<LedgerEntry> list = entries(prefix, n);
        long start = System.nanoTime();
        list.forEach(ledger::record);
        assertThat(ledger.drain(Duration.ofSeconds(120))).isTrue();
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** The former write path: one executeBatch per 500 rows. */
    private long plain(List<LedgerEntry> list) {
        long start = System.nanoTime();
        for (int from = 0; from < list.size(); from += Ledger.BATCH) {
            List<Tuple> rows = new ArrayList<>();
            for (LedgerEntry e : list.subList(from, Math.min(list.size(), from + Ledger.BATCH))) {
                rows.add(Tuple.tuple().addValue(OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC)).addValue(e.requestId())
                        .addValue(e.endpoint()).addValue(e.route()).addValue(e.target()).addValue(e.provider()).addValue(e.keyId())
                        .addValue(e.status()).addValue(e.outcome()).addValue(e.error()).addValue(e.promptTokens())
                        .addValue(e.completionTokens()).addValue(e.costUsd()).addValue(e.latencyMs()).addValue(e.ttftMs())
                        .addValue(e.stream()).addValue(e.attempts()).addValue(e.fallbacks()));
            }
            pool.preparedQuery(INSERT).executeBatch(rows).await().atMost(Duration.ofSeconds(60));
        }
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
