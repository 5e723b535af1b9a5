package dev.sparkd.health.api;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

import dev.sparkd.health.incident.IncidentService;
import dev.sparkd.daemon.api.ApiError;
import dev.sparkd.core.config.Durations;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code /api/v1/incidents?service=&since=&limit=}: incidents open at some time since {@code since} (an RFC 3339 time
 * or a duration back from now such as {@code 24h}; default 7 days), newest first.
 */
@Path("/api/v1/incidents")
@Produces(MediaType.APPLICATION_JSON)
public class IncidentsResource {
    private final IncidentService incidents;

    public IncidentsResource(IncidentService incidents) {
        this.incidents = incidents;
    }

    @GET
    public Uni<List<IncidentView>> list(@QueryParam("service") String service, @QueryParam("since") String since,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        Instant now = Instant.now();
        Instant from = parseSince(since, now);
        if (limit < 1 || limit > 1000) {
            throw ApiError.badRequest("limit must be from 1 to 1000", "e.g. ?limit=50");
        }
        return incidents.list(service == null || service.isBlank() ? null : service, from, limit)
                .map(list -> list.stream().map(i -> IncidentView.of(i, now)).toList());
    }

    static Instant parseSince(String since, Instant now) {
        if (since == null || since.isBlank()) {
            return now.minus(Duration.ofDays(7));
        }
        var d = Durations.parse(since);
        if (d.isPresent()) {
            return now.minus(d.get());
        }
        try {
            return OffsetDateTime.parse(since).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("since must be an RFC 3339 time or a duration, found \"" + since + "\"",
                    "e.g. ?since=24h or ?since=2026-01-31T00:00:00Z");
        }
    }
}
