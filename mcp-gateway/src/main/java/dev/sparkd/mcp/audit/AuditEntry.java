package dev.sparkd.mcp.audit;

import java.time.Instant;

import dev.sparkd.mcp.call.Outcome;

/**
 * One audited {@code tools/call}. {@code arguments} is null unless the server logs arguments; {@code keyId} is the
 * configured id of the key, never the key.
 */
public record AuditEntry(Instant calledAt, String keyId, String server, String tool, String exposedName, int argumentBytes,
        String argumentSha256, String arguments, Outcome outcome, String detail, long durationNanos) {
}
