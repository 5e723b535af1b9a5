package dev.sparkd.mcp.discovery;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import dev.sparkd.mcp.McpGateway;
import dev.sparkd.mcp.upstream.Upstream;
import dev.sparkd.mcp.upstream.UpstreamState;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code GET /q/health/group/upstreams}: UP when every upstream is ready, with each one's state (and reason). Not part
 * of readiness: the gateway serves the upstreams that are up while another restarts.
 */
@HealthGroup("upstreams")
@ApplicationScoped
public class UpstreamsHealthCheck implements HealthCheck {
    private final McpGateway gateway;

    public UpstreamsHealthCheck(McpGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("mcp-upstreams");
        boolean allReady = true;
        for (Upstream u : gateway.upstreams()) {
            allReady &= u.state() == UpstreamState.READY;
            b.withData(u.name(), u.state().label() + (u.reason() == null ? "" : ": " + u.reason()));
        }
        return b.status(allReady).build();
    }
}
