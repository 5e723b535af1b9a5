package dev.sparkd.mcp.audit;

import java.time.Duration;
import java.time.Instant;

import dev.sparkd.daemon.retention.Retained;
import dev.sparkd.mcp.config.McpSettings;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code [mcp] audit_retention}: tool calls older than that leave the audit. */
@ApplicationScoped
public class AuditRetention implements Retained {
    private final AuditRepository audit;
    private final McpSettings settings;

    public AuditRetention(AuditRepository audit, McpSettings settings) {
        this.audit = audit;
        this.settings = settings;
    }

    @Override
    public String what() {
        return "audit rows";
    }

    @Override
    public Duration keep() {
        return settings.auditRetention();
    }

    @Override
    @WithTransaction
    public Uni<Long> deleteBefore(Instant cutoff) {
        return audit.deleteBefore(cutoff);
    }
}
