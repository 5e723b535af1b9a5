package dev.sparkd.models.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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

    /**
     * Deletes operations that finished before {@code before}, with their events (the foreign key cascades); one that
     * still runs stays however old. The caller owns the transaction.
     */
    public Uni<Long> deleteFinishedBefore(Instant before) {
        return delete("finishedAt < ?1 and state <> 'running'", OffsetDateTime.ofInstant(before, ZoneOffset.UTC));
    }

    /** The id of the newest swap of {@code service} still marked running (by this or another instance). */
    public Uni<Optional<String>> runningSwap(String service) {
        return find("service = ?1 and kind = 'swap' and state = 'running' order by startedAt desc", service).firstResult()
                .map(row -> Optional.ofNullable(row).map(r -> r.id.toString()));
    }
}
