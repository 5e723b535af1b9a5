package dev.sparkd.router.keys;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code router.api_keys}. */
@ApplicationScoped
public class KeyRepository {
    private final Pool pool;

    public KeyRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> insert(ApiKey k) {
        return pool.preparedQuery("insert into router.api_keys (id, name, sha256, routes, rpm, daily_usd, monthly_usd, local_only, created_at)"
                + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .execute(Tuple.tuple().addValue(k.id()).addValue(k.name()).addValue(k.sha256())
                        .addValue(k.routes().toArray(new String[0])).addValue(k.rpm()).addValue(k.dailyUsd()).addValue(k.monthlyUsd())
                        .addValue(k.localOnly()).addValue(OffsetDateTime.ofInstant(k.createdAt(), ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    /** True when a key with that id existed and was not yet revoked. */
    public Uni<Boolean> revoke(String id) {
        return pool.preparedQuery("update router.api_keys set revoked_at = now() where id = $1 and revoked_at is null")
                .execute(Tuple.of(id)).map(r -> r.rowCount() == 1);
    }

    public Uni<List<ApiKey>> all() {
        return pool.query("select * from router.api_keys order by created_at").execute().map(rows -> {
            List<ApiKey> out = new ArrayList<>();
            for (Row r : rows) {
                OffsetDateTime revoked = r.getOffsetDateTime("revoked_at");
                out.add(new ApiKey(r.getString("id"), r.getString("name"), r.getString("sha256"), Set.of(r.getArrayOfStrings("routes")),
                        r.getInteger("rpm"), r.getDouble("daily_usd"), r.getDouble("monthly_usd"), r.getBoolean("local_only"),
                        r.getOffsetDateTime("created_at").toInstant(), revoked == null ? null : revoked.toInstant()));
            }
            return out;
        });
    }
}
