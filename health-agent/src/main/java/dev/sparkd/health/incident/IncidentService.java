package dev.sparkd.health.incident;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.sparkd.health.state.State;
import dev.sparkd.health.state.StateMachine;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Opens, updates and closes incidents as services change state, and answers uptime and history questions. */
@ApplicationScoped
public class IncidentService {
    private final IncidentRepository incidents;
    private final StateChangeRepository changes;

    public IncidentService(IncidentRepository incidents, StateChangeRepository changes) {
        this.incidents = incidents;
        this.changes = changes;
    }

    /**
     * Records changes in the order given, in one transaction: a state-history row when the state changed; a new
     * incident when a service leaves UP (or is first seen not UP); the worst state and new reasons while it stays out;
     * the end when it is UP again. An incident left open by a previous run continues, or closes at the first UP.
     */
    @WithTransaction
    Uni<Void> recordAll(List<IncidentRecorder.Observed> batch) {
        Uni<Void> done = Uni.createFrom().voidItem();
        for (IncidentRecorder.Observed o : batch) {
            // flushed one by one, so the next change of the same service finds the incident this one opened
            done = done.chain(() -> apply(o.service(), o.kind(), o.change())).chain(incidents::flush);
        }
        return done;
    }

    private Uni<Incident> apply(String service, String kind, StateMachine.Change change) {
        OffsetDateTime at = change.at().atOffset(ZoneOffset.UTC);
        Uni<Void> history = change.stateChanged()
                ? changes.persist(new StateChange(service, change.to().name(), change.reason(), at)).replaceWithVoid()
                : Uni.createFrom().voidItem();
        return history.chain(() -> incidents.findOpen(service)).chain(open -> {
            if (change.to() == State.UP) {
                if (open == null) {
                    return Uni.createFrom().nullItem();
                }
                open.endedAt = at;
                return Uni.createFrom().item(open);
            }
            if (open == null) {
                return incidents.persist(new Incident(service, kind, at, change.to().name(), change.reason()));
            }
            open.worstState = State.worse(State.valueOf(open.worstState), change.to()).name();
            open.lastState = change.to().name();
            open.addReason(change.reason());
            return Uni.createFrom().item(open);
        });
    }

    @WithSession
    public Uni<List<Incident>> list(String service, Instant since, int limit) {
        return incidents.since(service, since.atOffset(ZoneOffset.UTC), limit);
    }

    @WithSession
    public Uni<List<Incident>> open() {
        return incidents.open();
    }

    /** Uptime over 24 h and 7 d per service, and each service's 24-hour timeline. */
    @WithSession
    public Uni<Map<String, Summary>> summaries(Instant now) {
        Instant week = now.minus(Duration.ofDays(7));
        Instant day = now.minus(Duration.ofDays(1));
        return changes.window(week.atOffset(ZoneOffset.UTC)).map(rows -> {
            Map<String, List<StateChange>> byService = rows.stream()
                    .collect(Collectors.groupingBy(c -> c.service, LinkedHashMap::new, Collectors.toList()));
            Map<String, Summary> out = new LinkedHashMap<>();
            byService.forEach((service, list) -> out.put(service, new Summary(History.uptimePercent(list, day, now),
                    History.uptimePercent(list, week, now), History.segments(list, day, now))));
            return out;
        });
    }

    /** Uptime percentages (null when nothing was observed) and the last 24 hours as segments. */
    public record Summary(Double uptime24h, Double uptime7d, List<History.Segment> timeline24h) {
    }

    /** Deletes closed incidents and state history from before {@code before}; answers how many rows went. */
    @WithTransaction
    public Uni<Long> deleteBefore(Instant before) {
        OffsetDateTime cutoff = before.atOffset(ZoneOffset.UTC);
        return incidents.deleteClosedBefore(cutoff).chain(a -> changes.deleteBefore(cutoff).map(b -> a + b));
    }
}
