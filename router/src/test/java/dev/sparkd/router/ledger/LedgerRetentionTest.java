package dev.sparkd.router.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.sparkd.daemon.persistence.UnitOfWork;
import dev.sparkd.daemon.retention.RetentionJob;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.router.SimulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/** Ledger rows older than {@code ledger_retention} (90 days) go; the current budget month always stays. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatorResource.class)
class LedgerRetentionTest {
    @Inject
    RetentionJob job;
    @Inject
    Pool pool;

    @Test
    void rowsOlderThanTheRetentionGoAndNewerOnesStay() {
        String run = "retention-" + UUID.randomUUID();
        Instant now = Instant.now();
        insert(run + "-old", now.minus(Duration.ofDays(200)));
        insert(run + "-old", now.minus(Duration.ofDays(91)));
        insert(run + "-kept", now.minus(Duration.ofDays(89)));
        insert(run + "-kept", now.minus(Duration.ofHours(1)));
        long deleted = UnitOfWork.await(() -> job.enforce(now));
        assertThat(deleted).isGreaterThanOrEqualTo(2);
        assertThat(count(run + "-old")).isZero();
        assertThat(count(run + "-kept")).isEqualTo(2);
    }

    @Test
    void theCutoffNeverReachesIntoTheCurrentBudgetMonth() {
        Instant midMonth = Instant.parse("2026-12-20T15:00:00Z");
        assertThat(LedgerRetention.cutoff(Duration.ofDays(1), midMonth)).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(LedgerRetention.cutoff(Duration.ofDays(90), midMonth)).isEqualTo(midMonth.minus(Duration.ofDays(90)));
        assertThat(LedgerRetention.cutoff(Duration.ofDays(1), Instant.parse("2026-12-01T00:30:00Z")))
                .isEqualTo(Instant.parse("2026-11-30T00:30:00Z"));
    }

    private void insert(String requestId, Instant at) {
        pool.preparedQuery("insert into router.ledger (at, request_id, endpoint, key_id, status, outcome, prompt_tokens,"
                + " completion_tokens, cost_usd, latency_ms, stream, attempts) values ($1, $2, 'chat', 'k', 200, 'ok', 1, 1, 0.5, 1, false, 1)")
                .execute(Tuple.of(OffsetDateTime.ofInstant(at, ZoneOffset.UTC), requestId)).await().atMost(Duration.ofSeconds(10));
    }

    private long count(String requestId) {
        return pool.preparedQuery("select count(*) from router.ledger where request_id = $1").execute(Tuple.of(requestId))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
    }
}
