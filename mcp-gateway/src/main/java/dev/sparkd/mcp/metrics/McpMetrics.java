package dev.sparkd.mcp.metrics;

import java.util.concurrent.TimeUnit;

import dev.sparkd.daemon.metrics.LatencyBuckets;
import dev.sparkd.mcp.access.Sessions;
import dev.sparkd.mcp.audit.AuditEntry;
import dev.sparkd.mcp.audit.AuditLog;
import dev.sparkd.mcp.upstream.Upstream;
import dev.sparkd.mcp.upstream.UpstreamState;
import dev.sparkd.mcp.upstream.Upstreams;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

/**
 * The gateway's metrics, {@code sparkd_mcp_…}, listed in {@code docs/metrics.md}. Upstream state, tool counts,
 * restarts and sessions are read from the objects that hold them when Prometheus scrapes (pull); only a finished call
 * is counted as it happens. Labels are server, tool (bounded by the configured upstreams), outcome and state — never a
 * key, session or argument.
 */
@Startup
@Singleton
public class McpMetrics {
    private final MeterRegistry registry;

    public McpMetrics(MeterRegistry registry, Upstreams upstreams, Sessions sessions, AuditLog audit) {
        this.registry = registry;
        for (Upstream u : upstreams.all()) {
            for (UpstreamState s : UpstreamState.values()) {
                Gauge.builder("sparkd_mcp_upstream_state", u, x -> x.state() == s ? 1 : 0)
                        .description("1 for the state the upstream server is in, 0 for the others")
                        .tags("server", u.name(), "state", s.label()).register(registry);
            }
            Gauge.builder("sparkd_mcp_upstream_tools", u, x -> x.tools().size())
                    .description("Tools the upstream server currently offers").tags("server", u.name()).register(registry);
            FunctionCounter.builder("sparkd_mcp_upstream_restarts", u, Upstream::restarts)
                    .description("Restarts of the upstream server after a crash or failure").tags("server", u.name()).register(registry);
        }
        Gauge.builder("sparkd_mcp_sessions", sessions, Sessions::size).description("Open downstream MCP sessions").register(registry);
        Gauge.builder("sparkd_mcp_audit_pending", audit, a -> a.counts().pending()).description("Audit rows waiting to be written").register(registry);
        FunctionCounter.builder("sparkd_mcp_audit_dead_lettered", audit, a -> a.counts().deadLettered())
                .description("Audit rows the database refused on their own, kept in audit.dead-letter").register(registry);
    }

    public void call(AuditEntry e) {
        Counter.builder("sparkd_mcp_tool_calls").description("tools/call requests by server, tool and outcome")
                .tags("server", e.server(), "tool", e.tool(), "outcome", e.outcome().label()).register(registry).increment();
        LatencyBuckets.timer("sparkd_mcp_tool_call_duration", "Time from a tools/call arriving to its answer", LatencyBuckets.REQUEST)
                .tags("server", e.server(), "outcome", e.outcome().label()).register(registry).record(e.durationNanos(), TimeUnit.NANOSECONDS);
    }
}
