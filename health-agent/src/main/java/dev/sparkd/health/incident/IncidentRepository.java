package dev.sparkd.health.incident;

import java.time.OffsetDateTime;
import java.util.List;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads and writes {@link Incident} rows. */
@ApplicationScoped
@WithSession
public class IncidentRepository implements PanacheRepository<Incident> {

    public Uni<Incident> findOpen(String service) {
        return find("service = ?1 and endedAt is null", service).firstResult();
    }

    public Uni<List<Incident>> open() {
        return list("endedAt is null order by startedAt desc");
    }

    /** Incidents that were open at some point since {@code since}, newest first. */
    public Uni<List<Incident>> since(String service, OffsetDateTime since, int limit) {
        if (service == null) {
            return find("(endedAt is null or endedAt >= ?1) order by startedAt desc", since).page(0, limit).list();
        }
        return find("service = ?1 and (endedAt is null or endedAt >= ?2) order by startedAt desc", service, since).page(0, limit).list();
    }

    public Uni<Long> deleteClosedBefore(OffsetDateTime cutoff) {
        return delete("endedAt is not null and endedAt < ?1", cutoff);
    }
}
