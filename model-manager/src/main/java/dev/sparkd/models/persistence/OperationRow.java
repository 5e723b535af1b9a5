package dev.sparkd.models.persistence;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.OperationView;
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
    @JdbcTypeCode(SqlTypes.JSON)
    List<Operation.Attempt> attempts;

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
        attempts = List.copyOf(v.attempts());
    }
}
