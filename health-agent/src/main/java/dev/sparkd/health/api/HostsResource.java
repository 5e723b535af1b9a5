package dev.sparkd.health.api;

import java.util.List;

import dev.sparkd.health.HealthAgent;
import dev.sparkd.health.telemetry.HostStatus;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code /api/v1/hosts}: each host's last telemetry (GPU, memory, disks, containers), or why there is none. */
@Path("/api/v1/hosts")
@Produces(MediaType.APPLICATION_JSON)
public class HostsResource {
    private final HealthAgent agent;

    public HostsResource(HealthAgent agent) {
        this.agent = agent;
    }

    @GET
    public List<HostStatus> all() {
        return agent.telemetry().statuses();
    }
}
