package dev.sparkd.mcp.audit;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An audit row as {@code GET /api/v1/audit} returns it; {@code arguments} is absent unless the server logs them. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditRecord(long id, String called_at, String key, String server, String tool, String exposed_name,
        int argument_bytes, String argument_sha256, Map<String, Object> arguments, String outcome, String detail, double duration_ms) {
}
