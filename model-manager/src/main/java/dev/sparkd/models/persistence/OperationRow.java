package dev.sparkd.models.persistence;

import java.time.OffsetDateTime;
import java.util.UUID;

import org.hibernate.annotations.ColumnTransformer;

import dev.sparkd.models.operation.OperationView;
import io.vertx.core.json.Json;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A pull, update, prune or swap as a row of {@code model_manager.operations}. */
@Entity
@Table(name = "operations")
public class OperationRow {
    @Id
    UUID id;
    @Column(nullable = false)
    String kind;
    @Column(nullable = false)
    String service;
    @Column(nullable = false)
    String subject;
    @Column(nullable = false)
    String state;
    @Column(name = "started_at", nullable = false)
    OffsetDateTime startedAt;
    @Column(name = "finished_at")
    OffsetDateTime finishedAt;
    @Column(name = "bytes_done")
    long bytesDone;
    @Column(name = "bytes_total")
    long bytesTotal;
    String error;
    /** A jsonb array, moved as text: Hibernate Reactive's JSON binding takes JSON objects only. */
    @ColumnTransformer(read = "cast(attempts as text)", write = "cast(cast(? as text) as jsonb)")
    String attempts;

    protected OperationRow() {
    }

    OperationRow(OperationView v, OffsetDateTime at) {
        id = UUID.fromString(v.id());
        kind = v.kind();
        service = v.service();
        subject = v.subject();
        state = v.state();
        startedAt = at;
    }

    void finish(OperationView v, OffsetDateTime at) {
        state = v.state();
        finishedAt = at;
        bytesDone = v.bytesDone();
        bytesTotal = v.bytesTotal();
        error = v.error();
        attempts = Json.encode(v.attempts());
    }
}
