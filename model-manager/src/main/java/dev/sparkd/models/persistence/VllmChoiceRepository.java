package dev.sparkd.models.persistence;

import java.util.Optional;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads and writes {@code model_manager.vllm_choices} ({@link VllmChoice}). */
@ApplicationScoped
@WithSession
public class VllmChoiceRepository implements PanacheRepositoryBase<VllmChoice, String> {

    /** The chosen model key, while the file's {@code active} is still {@code fileActive}. */
    public Uni<Optional<String>> chosen(String service, String fileActive) {
        return find("service = ?1 and fileActive = ?2", service, fileActive).firstResult()
                .map(row -> Optional.ofNullable(row).map(r -> r.modelKey));
    }

    /** Inserts or replaces the service's choice (the caller owns the transaction). */
    public Uni<Void> save(VllmChoice choice) {
        return getSession().chain(s -> s.merge(choice)).replaceWithVoid();
    }
}
