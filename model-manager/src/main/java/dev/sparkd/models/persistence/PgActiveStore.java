package dev.sparkd.models.persistence;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import dev.sparkd.daemon.persistence.UnitOfWork;
import dev.sparkd.models.engine.ActiveStore;
import io.quarkus.hibernate.reactive.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The API's vLLM choices in {@code model_manager.vllm_choices}; survives restarts. The engine calls it on worker
 * threads and waits there for the answer (never on an event loop).
 */
@ApplicationScoped
public class PgActiveStore implements ActiveStore {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final VllmChoiceRepository choices;

    public PgActiveStore(VllmChoiceRepository choices) {
        this.choices = choices;
    }

    @Override
    public Optional<String> chosen(String service, String fileActive) {
        return UnitOfWork.await(() -> choices.chosen(service, fileActive).ifNoItem().after(TIMEOUT).fail());
    }

    @Override
    public void save(String service, String key, String fileActive) {
        VllmChoice choice = new VllmChoice(service, key, fileActive, OffsetDateTime.now(ZoneOffset.UTC));
        UnitOfWork.await(() -> Panache.withTransaction(() -> choices.save(choice)).ifNoItem().after(TIMEOUT).fail());
    }
}
