package dev.sparkd.models.persistence;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import dev.sparkd.models.engine.ActiveStore;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** The API's vLLM choices in {@code model_manager.vllm_choices}; survives restarts. Called on worker threads. */
@ApplicationScoped
public class PgActiveStore implements ActiveStore {
    private final Pool pool;

    public PgActiveStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Optional<String> chosen(String service, String fileActive) {
        var rows = pool.preparedQuery("select model_key from model_manager.vllm_choices where service = $1 and file_active = $2")
                .execute(Tuple.of(service, fileActive)).await().atMost(Duration.ofSeconds(10));
        return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString("model_key"));
    }

    @Override
    public void save(String service, String key, String fileActive) {
        pool.preparedQuery("insert into model_manager.vllm_choices (service, model_key, file_active, chosen_at) values ($1, $2, $3, $4)"
                + " on conflict (service) do update set model_key = excluded.model_key, file_active = excluded.file_active, chosen_at = excluded.chosen_at")
                .execute(Tuple.of(service, key, fileActive, OffsetDateTime.now(ZoneOffset.UTC))).await().atMost(Duration.ofSeconds(10));
    }
}
