package dev.sparkd.router.keys;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads and writes {@code router.api_keys} ({@link ApiKeyRow}); the caller ({@link KeyStore}) owns the transaction. */
@ApplicationScoped
@WithSession
public class KeyRepository implements PanacheRepositoryBase<ApiKeyRow, String> {

    public Uni<Void> insert(ApiKey k) {
        return persistAndFlush(new ApiKeyRow(k)).replaceWithVoid();
    }

    /** True when a key with that id existed and was not yet revoked. */
    public Uni<Boolean> revoke(String id) {
        return update("revokedAt = ?1 where id = ?2 and revokedAt is null", OffsetDateTime.now(ZoneOffset.UTC), id)
                .map(rows -> rows == 1);
    }

    public Uni<List<ApiKey>> all() {
        return list("order by createdAt").map(rows -> rows.stream().map(ApiKeyRow::toKey).toList());
    }
}
