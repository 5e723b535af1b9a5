package dev.sparkd.models.persistence;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.OperationView;
import io.quarkus.logging.Log;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** Writes operations and their events to {@code model_manager.*} as they happen (reactive client, never blocking). */
@ApplicationScoped
public class OperationRepository implements Operation.OperationListener {
    private final Pool pool;

    public OperationRepository(Pool pool) {
        this.pool = pool;
    }

    @Override
    public void started(Operation op) {
        OperationView v = op.view();
        pool.preparedQuery("insert into model_manager.operations (id, kind, service, subject, state, started_at) values ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.of(UUID.fromString(v.id()), v.kind(), v.service(), v.subject(), v.state(), now()))
                .subscribe().with(ok -> { }, e -> Log.warnf("operation %s not recorded: %s", v.id(), e.getMessage()));
    }

    @Override
    public void event(Operation op, Operation.Event e) {
        pool.preparedQuery("insert into model_manager.operation_events (operation_id, at, message)"
                + " select $1, $2, $3 where exists (select 1 from model_manager.operations where id = $1)")
                .execute(Tuple.of(UUID.fromString(op.id()), OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC), e.message()))
                .subscribe().with(ok -> { }, err -> Log.debugf("event of %s not recorded: %s", op.id(), err.getMessage()));
    }

    @Override
    public void finished(Operation op) {
        OperationView v = op.view();
        pool.preparedQuery("update model_manager.operations set state = $2, finished_at = $3, bytes_done = $4, bytes_total = $5,"
                + " error = $6, attempts = $7 where id = $1")
                .execute(Tuple.from(java.util.Arrays.asList(UUID.fromString(v.id()), v.state(), now(), v.bytesDone(), v.bytesTotal(),
                        v.error(), new JsonArray(io.vertx.core.json.Json.encode(v.attempts())))))
                .subscribe().with(ok -> { }, e -> Log.warnf("operation %s outcome not recorded: %s", v.id(), e.getMessage()));
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
