package dev.sparkd.models.persistence;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One line of an operation's story, as a row of {@code model_manager.operation_events}. */
@Entity
@Table(name = "operation_events")
public class OperationEventRow {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    @Column(name = "operation_id", nullable = false)
    UUID operationId;
    @Column(nullable = false)
    OffsetDateTime at;
    @Column(nullable = false)
    String message;

    protected OperationEventRow() {
    }

    OperationEventRow(UUID operationId, OffsetDateTime at, String message) {
        this.operationId = operationId;
        this.at = at;
        this.message = message;
    }
}
