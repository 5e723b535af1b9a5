package dev.sparkd.health.api;

import java.util.List;

import dev.sparkd.health.telemetry.Telemetry;
import dev.sparkd.health.telemetry.HostStatus;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code /api/v1/hosts}: each host's last telemetry (GPU, memory, disks, containers), or why there is none. */
@Path("/api/v1/hosts")
@Produces(MediaType.APPLICATION_JSON)
public class HostsResource {
    private final Telemetry telemetry;

    public HostsResource(Telemetry telemetry) {
        this.telemetry = telemetry;
    }

    @GET
    public List<HostStatus> all() {
        return telemetry.statuses();
    }
}
