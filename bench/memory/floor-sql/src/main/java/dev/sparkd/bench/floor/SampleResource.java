package dev.sparkd.bench.floor;

import java.util.List;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** bench/memory/floor's scheduled write and read, in SQL on the reactive client instead of through Hibernate. */
@Path("/samples")
public class SampleResource {

    private final PgPool pool;

    public SampleResource(PgPool pool) {
        this.pool = pool;
    }

    void createTable(@Observes StartupEvent started) {
        pool.query("create schema if not exists stack_floor_sql").execute()
                .chain(() -> pool.query("create table if not exists stack_floor_sql.sample"
                        + " (id bigserial primary key, source text, latency_ms bigint)").execute())
                .await().indefinitely();
    }

    @GET
    public Uni<List<String>> latest() {
        return pool.preparedQuery("select source from stack_floor_sql.sample where source = $1 order by id desc limit 10")
                .execute(Tuple.of("tick"))
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .map((Row row) -> row.getString("source"))
                .collect().asList();
    }

    @Scheduled(every = "5s")
    Uni<Void> tick() {
        return pool.preparedQuery("insert into stack_floor_sql.sample (source, latency_ms) values ($1, $2)")
                .execute(Tuple.of("tick", System.nanoTime() % 1000))
                .replaceWithVoid();
    }
}
