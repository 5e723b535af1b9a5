package dev.sparkd.health.incident;

import java.time.OffsetDateTime;
import java.util.List;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads and writes {@link StateChange} rows. */
@ApplicationScoped
@WithSession
public class StateChangeRepository implements PanacheRepository<StateChange> {

    /** Every change since {@code since}, plus each service's last change before it (its state at {@code since}). */
    public Uni<List<StateChange>> window(OffsetDateTime since) {
        return list("at >= ?1 or id in (select max(c.id) from StateChange c where c.at < ?1 group by c.service) order by service, at, id", since);
    }

    /**
     * Deletes changes older than {@code cutoff}, except each service's newest one before it (it says what state the
     * service was in when the kept history begins).
     */
    public Uni<Long> deleteBefore(OffsetDateTime cutoff) {
        return delete("at < ?1 and id not in (select max(c.id) from StateChange c where c.at < ?1 group by c.service)", cutoff);
    }
}
