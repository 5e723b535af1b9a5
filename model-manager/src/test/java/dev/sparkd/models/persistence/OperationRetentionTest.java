package dev.sparkd.models.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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

/**
 * Operations that finished longer ago than {@code operations_retention} (365 days) go with their events; a recent one,
 * and a running one however old, stay.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
class OperationRetentionTest {
    @Inject
    RetentionJob job;
    @Inject
    Pool pool;

    @Test
    void finishedOperationsOlderThanTheRetentionGoWithTheirEvents() {
        String service = "retention-" + UUID.randomUUID();
        Instant now = Instant.now();
        UUID old = insert(service, "done", now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(400)));
        UUID recent = insert(service, "done", now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(30)));
        UUID running = insert(service, "running", now.minus(Duration.ofDays(500)), null);
        long deleted = UnitOfWork.await(() -> job.enforce(now));
        assertThat(deleted).isGreaterThanOrEqualTo(1);
        assertThat(ids(service)).containsExactlyInAnyOrder(recent, running);
        assertThat(events(old)).isZero();
        assertThat(events(recent)).isEqualTo(1);
    }

    private UUID insert(String service, String state, Instant started, Instant finished) {
        UUID id = UUID.randomUUID();
        pool.preparedQuery("insert into model_manager.operations (id, kind, service, subject, state, started_at, finished_at)"
                + " values ($1, 'pull', $2, 'llama3.2:3b', $3, $4, $5)")
                .execute(Tuple.of(id, service, state, OffsetDateTime.ofInstant(started, ZoneOffset.UTC),
                        finished == null ? null : OffsetDateTime.ofInstant(finished, ZoneOffset.UTC)))
                .await().atMost(Duration.ofSeconds(10));
        pool.preparedQuery("insert into model_manager.operation_events (operation_id, at, message) values ($1, $2, 'pulling')")
                .execute(Tuple.of(id, OffsetDateTime.ofInstant(started, ZoneOffset.UTC))).await().atMost(Duration.ofSeconds(10));
        return id;
    }

    private List<UUID> ids(String service) {
        List<UUID> out = new ArrayList<>();
        pool.preparedQuery("select id from model_manager.operations where service = $1").execute(Tuple.of(service))
                .await().atMost(Duration.ofSeconds(10)).forEach(r -> out.add(r.getUUID(0)));
        return out;
    }

    private long events(UUID operation) {
        return pool.preparedQuery("select count(*) from model_manager.operation_events where operation_id = $1").execute(Tuple.of(operation))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
    }
}
