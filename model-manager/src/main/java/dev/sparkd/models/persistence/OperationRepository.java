package dev.sparkd.models.persistence;

import java.util.Optional;
import java.util.UUID;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads and writes {@code model_manager.operations} ({@link OperationRow}). */
@ApplicationScoped
@WithSession
public class OperationRepository implements PanacheRepositoryBase<OperationRow, UUID> {

    /** The id of the newest swap of {@code service} still marked running (by this or another instance). */
    public Uni<Optional<String>> runningSwap(String service) {
        return find("service = ?1 and kind = 'swap' and state = 'running' order by startedAt desc", service).firstResult()
                .map(row -> Optional.ofNullable(row).map(r -> r.id.toString()));
    }
}
