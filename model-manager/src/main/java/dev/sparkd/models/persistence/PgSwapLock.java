package dev.sparkd.models.persistence;

import java.time.Duration;
import java.util.Optional;

import dev.sparkd.models.engine.SwapLock;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A PostgreSQL session-level advisory lock per service, held on its own connection for the whole swap, so two
 * model-manager instances sharing a database never swap the same service at once. Called on worker threads.
 */
@ApplicationScoped
public class PgSwapLock implements SwapLock {
    private final Pool pool;

    public PgSwapLock(Pool pool) {
        this.pool = pool;
    }

    private static long key(String service) {
        return ("sparkd-model-manager-swap:" + service).hashCode();
    }

    @Override
    public Optional<Lease> tryLock(String service) {
        SqlConnection conn = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        boolean got = conn.preparedQuery("select pg_try_advisory_lock($1) as ok").execute(Tuple.of(key(service)))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getBoolean("ok");
        if (!got) {
            conn.closeAndAwait();
            return Optional.empty();
        }
        return Optional.of(() -> conn.preparedQuery("select pg_advisory_unlock($1)").execute(Tuple.of(key(service)))
                .eventually(conn::close).subscribe().with(ok -> { }, e -> { }));
    }

    @Override
    public Optional<String> runningOperation(String service) {
        var rows = pool.preparedQuery("select id::text as id from model_manager.operations where service = $1 and kind = 'swap'"
                + " and state = 'running' order by started_at desc limit 1").execute(Tuple.of(service)).await().atMost(Duration.ofSeconds(10));
        return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString("id"));
    }
}
