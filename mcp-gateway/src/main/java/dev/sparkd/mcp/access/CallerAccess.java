package dev.sparkd.mcp.access;

import java.util.Optional;

import dev.sparkd.mcp.config.McpSettings;
import io.quarkiverse.mcp.server.McpConnection;
import jakarta.inject.Singleton;

/**
 * Who is calling on an MCP connection, and whether they may see or use an exposed name: the key bound to the
 * connection's session (see {@link McpHttpGuard}), judged by its allow/deny globs ({@link Policy}). No key, no access.
 */
@Singleton
public class CallerAccess {
    private final Sessions sessions;

    public CallerAccess(Sessions sessions) {
        this.sessions = sessions;
    }

    public Optional<McpSettings.ApiKey> key(McpConnection connection) {
        return connection == null ? Optional.empty() : sessions.keyOf(connection.id());
    }

    /** Whether the caller on {@code connection} may see and use {@code exposedName}. */
    public boolean allows(McpConnection connection, String exposedName) {
        return key(connection).map(k -> Policy.allows(k, exposedName)).orElse(false);
    }
}
