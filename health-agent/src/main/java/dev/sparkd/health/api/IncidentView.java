package dev.sparkd.health.api;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.sparkd.health.incident.Incident;

/** An incident as the API shows it; {@code ended_at} is absent while it is open. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IncidentView(@JsonProperty("id") long id, @JsonProperty("service") String service, @JsonProperty("kind") String kind,
        @JsonProperty("started_at") OffsetDateTime startedAt, @JsonProperty("ended_at") OffsetDateTime endedAt,
        @JsonProperty("open") boolean open, @JsonProperty("duration_seconds") long durationSeconds,
        @JsonProperty("worst_state") String worstState, @JsonProperty("last_state") String lastState,
        @JsonProperty("reasons") List<String> reasons) {

    static IncidentView of(Incident i, Instant now) {
        Instant end = i.endedAt == null ? now : i.endedAt.toInstant();
        return new IncidentView(i.id, i.service, i.kind, i.startedAt, i.endedAt, i.endedAt == null,
                Math.max(0, Duration.between(i.startedAt.toInstant(), end).toSeconds()), i.worstState, i.lastState,
                i.reasonList());
    }
}
