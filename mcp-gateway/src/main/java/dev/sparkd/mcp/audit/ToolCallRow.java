package dev.sparkd.mcp.audit;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.vertx.core.json.JsonObject;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An {@link AuditEntry} as a row of {@code mcp_gateway.tool_calls}. */
@Entity
@Table(name = "tool_calls")
public class ToolCallRow {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    @Column(name = "called_at", nullable = false)
    OffsetDateTime calledAt;
    @Column(name = "key_id", nullable = false)
    String keyId;
    @Column(nullable = false)
    String server;
    @Column(nullable = false)
    String tool;
    @Column(name = "exposed_name", nullable = false)
    String exposedName;
    @Column(name = "argument_bytes")
    int argumentBytes;
    @Column(name = "argument_sha256", nullable = false)
    String argumentSha256;
    /** Null unless the server is configured with {@code log_arguments = true}. */
    @JdbcTypeCode(SqlTypes.JSON)
    Map<String, Object> arguments;
    @Column(nullable = false)
    String outcome;
    String detail;
    @Column(name = "duration_ms")
    double durationMs;

    protected ToolCallRow() {
    }

    ToolCallRow(AuditEntry e) {
        calledAt = OffsetDateTime.ofInstant(e.calledAt(), ZoneOffset.UTC);
        keyId = e.keyId();
        server = e.server();
        tool = e.tool();
        exposedName = e.exposedName();
        argumentBytes = e.argumentBytes();
        argumentSha256 = e.argumentSha256();
        arguments = e.arguments() == null ? null : new JsonObject(e.arguments()).getMap();
        outcome = e.outcome().label();
        detail = e.detail();
        durationMs = e.durationNanos() / 1e6;
    }

    AuditRecord toRecord() {
        return new AuditRecord(id, calledAt.toInstant().toString(), keyId, server, tool, exposedName, argumentBytes, argumentSha256,
                arguments, outcome, detail, durationMs);
    }
}
