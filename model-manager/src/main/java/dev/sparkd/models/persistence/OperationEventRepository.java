package dev.sparkd.models.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import jakarta.enterprise.context.ApplicationScoped;

/** Writes {@code model_manager.operation_events} ({@link OperationEventRow}). */
@ApplicationScoped
@WithSession
public class OperationEventRepository implements PanacheRepository<OperationEventRow> {
}
