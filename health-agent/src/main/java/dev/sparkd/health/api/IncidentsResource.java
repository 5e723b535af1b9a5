package dev.sparkd.health.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.sparkd.health.incident.IncidentService;
import dev.sparkd.daemon.api.ListQuery;
import io.smallrye.mutiny.Uni;
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
            @QueryParam("limit") String limit) {
        Instant now = Instant.now();
        Instant from = ListQuery.since(since, now).orElse(now.minus(Duration.ofDays(7)));
        return incidents.list(service == null || service.isBlank() ? null : service, from, ListQuery.limit(limit, 100))
                .map(list -> list.stream().map(i -> IncidentView.of(i, now)).toList());
    }
}
