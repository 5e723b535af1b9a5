package dev.sparkd.health.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.sparkd.health.fleet.Fleet;
import dev.sparkd.health.fleet.ServiceStatus;
import dev.sparkd.health.incident.IncidentService;
import dev.sparkd.daemon.api.ApiError;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code /api/v1/services}: every service's state, reason, latency, load and uptime. A single service answers 200
 * while it is UP or DEGRADED and 503 while it is LOADING or DOWN (or not probed yet), so {@code curl -f} works in
 * scripts and {@code ExecCondition=}.
 */
@Path("/api/v1/services")
@Produces(MediaType.APPLICATION_JSON)
public class ServicesResource {
    private final Fleet fleet;
    private final IncidentService incidents;

    public ServicesResource(Fleet fleet, IncidentService incidents) {
        this.fleet = fleet;
        this.incidents = incidents;
    }

    @GET
    public Uni<Map<String, Object>> all(@QueryParam("timeline") boolean timeline) {
        List<ServiceStatus> statuses = fleet.statuses();
        return summaries().map(sum -> Map.of("services", statuses.stream().map(s -> view(s, sum, timeline)).toList(),
                "all_available", statuses.stream().allMatch(ServiceStatus::available)));
    }

    @GET
    @Path("/{name}")
    public Uni<Response> one(@PathParam("name") String name) {
        ServiceStatus status = fleet.status(name).orElseThrow(() -> ApiError.notFound("no service named \"" + name + "\"",
                "GET /api/v1/services lists the declared services"));
        return summaries().map(sum -> Response.status(status.available() ? 200 : 503).entity(view(status, sum, true)).build());
    }

    private Uni<Map<String, IncidentService.Summary>> summaries() {
        // The history is a convenience: if the database is unreachable, states are still answered.
        return incidents.summaries(Instant.now()).onFailure().recoverWithItem(Map.of());
    }

    static ServiceView view(ServiceStatus s, Map<String, IncidentService.Summary> sum, boolean timeline) {
        IncidentService.Summary x = sum.get(s.name());
        return new ServiceView(s, x == null ? null : x.uptime24h(), x == null ? null : x.uptime7d(),
                timeline && x != null ? x.timeline24h() : null);
    }
}
