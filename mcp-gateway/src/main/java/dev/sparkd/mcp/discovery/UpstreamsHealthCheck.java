package dev.sparkd.mcp.discovery;

import dev.sparkd.daemon.health.MemberHealthCheck;
import dev.sparkd.mcp.upstream.UpstreamState;
import dev.sparkd.mcp.upstream.Upstreams;
import io.smallrye.health.api.HealthGroup;
import jakarta.inject.Singleton;

/**
 * {@code GET /q/health/group/upstreams}: UP when every upstream is ready, with each one's state (and reason). Not part
 * of readiness: the gateway serves the upstreams that are up while another restarts.
 */
@HealthGroup("upstreams")
@Singleton
public class UpstreamsHealthCheck extends MemberHealthCheck {

    public UpstreamsHealthCheck(Upstreams upstreams) {
        super("mcp-upstreams", () -> upstreams.all().stream()
                .map(u -> new Member(u.name(), u.state().label(), u.reason(), u.state() == UpstreamState.READY)).toList());
    }
}
