package dev.sparkd.mcp;

import dev.sparkd.core.auth.RateLimiter;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.daemon.retention.Retained;
import dev.sparkd.mcp.audit.AuditRepository;
import dev.sparkd.mcp.config.McpSettings;
import io.quarkus.hibernate.reactive.panache.Panache;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The gateway's beans that are not classes of its own: its {@code [mcp]} settings, read from the one parsed config,
 * the shared (framework-free) rate limiter and the audit's retention. Everything else is a bean with constructor injection in its feature
 * package.
 */
public class McpGatewayProducers {
    @Produces
    @Singleton
    McpSettings settings(SuiteConfig config) {
        return config.section(McpSettings.class);
    }

    /** Token buckets named {@code key:<id>} and {@code tool:<exposed name>}. */
    @Produces
    @Singleton
    RateLimiter rateLimiter() {
        return new RateLimiter();
    }

    /** {@code [mcp] audit_retention}: tool calls older than that leave the audit. */
    @Produces
    @Singleton
    Retained auditRetention(AuditRepository audit, McpSettings settings) {
        return Retained.of("audit rows", settings.auditRetention(), cutoff -> Panache.withTransaction(() -> audit.deleteBefore(cutoff)));
    }
}
