package dev.sparkd.mcp;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.sparkd.mcp.audit.AuditEntry;
import dev.sparkd.mcp.upstream.Upstream;
import dev.sparkd.mcp.upstream.UpstreamState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway's metrics ({@code sparkd_mcp_…}); labels are server, tool (bounded by the configured upstreams),
 * outcome and state — never a key, session or argument. Listed in {@code docs/metrics.md}.
 */
final class GatewayMetrics {
    private final MeterRegistry registry;

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void upstreams(Collection<Upstream> upstreams) {
        for (Upstream u : upstreams) {
            for (UpstreamState s : UpstreamState.values()) {
                Gauge.builder("sparkd.mcp.upstream.state", u, x -> x.state() == s ? 1 : 0)
                        .description("1 for the state the upstream server is in, 0 for the others")
                        .tags("server", u.name(), "state", s.label()).register(registry);
            }
            Gauge.builder("sparkd.mcp.upstream.tools", u, x -> x.tools().size())
                    .description("Tools the upstream server currently offers").tags("server", u.name()).register(registry);
            Counter.builder("sparkd.mcp.upstream.restarts").description("Restarts of the upstream server after a crash or failure")
                    .tags("server", u.name()).register(registry);
        }
    }

    void sessions(Supplier<Number> count) {
        Gauge.builder("sparkd.mcp.sessions", count).description("Open downstream MCP sessions").register(registry);
    }

    void restarted(String server) {
        registry.counter("sparkd.mcp.upstream.restarts", "server", server).increment();
    }

    void call(AuditEntry e) {
        Counter.builder("sparkd.mcp.tool.calls").description("tools/call requests by server, tool and outcome")
                .tags("server", e.server(), "tool", e.tool(), "outcome", e.outcome().label()).register(registry).increment();
        Timer.builder("sparkd.mcp.tool.call.duration").description("Time from a tools/call arriving to its answer")
                .tags("server", e.server(), "outcome", e.outcome().label())
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry).record(e.durationNanos(), TimeUnit.NANOSECONDS);
    }
}
