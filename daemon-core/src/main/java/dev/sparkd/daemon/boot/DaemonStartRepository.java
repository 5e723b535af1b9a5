package dev.sparkd.daemon.boot;

import java.time.OffsetDateTime;
import java.util.List;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads and writes {@link DaemonStart} rows. */
@ApplicationScoped
@WithSession
public class DaemonStartRepository implements PanacheRepository<DaemonStart> {

    public Uni<Long> countSince(OffsetDateTime since) {
        return count("startedAt >= ?1", since);
    }

    public Uni<List<DaemonStart>> latest(int limit) {
        return find("order by startedAt desc").page(0, limit).list();
    }
}
