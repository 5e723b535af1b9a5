package dev.sparkd.mcp;

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
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/** Audit rows older than {@code audit_retention} (90 days) go at the hourly purge; newer ones stay. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(McpFixtures.class)
class AuditRetentionTest {
    @Inject
    RetentionJob job;
    @Inject
    Pool pool;

    @Test
    void callsOlderThanTheRetentionGoAndNewerOnesStay() {
        String key = "retention-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        insert(key, "old", now.minus(Duration.ofDays(365)));
        insert(key, "old", now.minus(Duration.ofDays(90)).minusSeconds(60));
        insert(key, "kept", now.minus(Duration.ofDays(89)));
        insert(key, "kept", now.minusSeconds(5));
        long deleted = UnitOfWork.await(() -> job.enforce(now));
        assertThat(deleted).isGreaterThanOrEqualTo(2);
        assertThat(count(key, "old")).isZero();
        assertThat(count(key, "kept")).isEqualTo(2);
    }

    private void insert(String key, String tool, Instant at) {
        pool.preparedQuery("insert into mcp_gateway.tool_calls (called_at, key_id, server, tool, exposed_name, argument_bytes,"
                + " argument_sha256, outcome, duration_ms) values ($1, $2, 'notes', $3, 'notes__' || $3, 2, repeat('0', 64), 'ok', 1)")
                .execute(Tuple.of(OffsetDateTime.ofInstant(at, ZoneOffset.UTC), key, tool)).await().atMost(Duration.ofSeconds(10));
    }

    private long count(String key, String tool) {
        return pool.preparedQuery("select count(*) from mcp_gateway.tool_calls where key_id = $1 and tool = $2").execute(Tuple.of(key, tool))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
    }
}
