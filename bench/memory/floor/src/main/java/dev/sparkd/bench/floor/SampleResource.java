package dev.sparkd.bench.floor;

import java.util.List;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** What every daemon does at idle, reduced to one of each: a scheduled write, an HQL read behind a REST route. */
@Path("/samples")
public class SampleResource {

    @GET
    @WithSession
    public Uni<List<Sample>> latest() {
        return Sample.<Sample> find("source = ?1 order by id desc", "tick").page(0, 10).list();
    }

    @Scheduled(every = "5s")
    @WithTransaction
    Uni<Void> tick() {
        Sample sample = new Sample();
        sample.source = "tick";
        sample.latencyMs = System.nanoTime() % 1000;
        return sample.persist().replaceWithVoid();
    }
}
