package dev.sparkd.mcp.discovery;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import dev.sparkd.mcp.upstream.Upstream;
import dev.sparkd.mcp.upstream.UpstreamState;
import dev.sparkd.mcp.upstream.Upstreams;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code GET /q/health/group/upstreams}: UP when every upstream is ready, with each one's state (and reason). Not part
 * of readiness: the gateway serves the upstreams that are up while another restarts.
 */
@HealthGroup("upstreams")
@ApplicationScoped
public class UpstreamsHealthCheck implements HealthCheck {
    private final Upstreams upstreams;

    public UpstreamsHealthCheck(Upstreams upstreams) {
        this.upstreams = upstreams;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("mcp-upstreams");
        boolean allReady = true;
        for (Upstream u : upstreams.all()) {
            allReady &= u.state() == UpstreamState.READY;
            b.withData(u.name(), u.state().label() + (u.reason() == null ? "" : ": " + u.reason()));
        }
        return b.status(allReady).build();
    }
}
