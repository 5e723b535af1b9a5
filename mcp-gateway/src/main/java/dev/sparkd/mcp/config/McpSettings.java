package dev.sparkd.mcp.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.sparkd.core.config.DaemonSettings;
import dev.sparkd.core.config.Listen;
import dev.sparkd.core.config.SecretRef;

/**
 * {@code [mcp]}: the gateway's endpoint, its API keys and its upstream MCP servers.
 *
 * @param allowedOrigins browser origins allowed to call {@code /mcp}; requests from any other Origin get 403
 * @param keys API keys by id: only their SHA-256 is configured, never the key
 * @param sessions limits on downstream sessions
 */
public record McpSettings(Listen listen, List<String> allowedOrigins, Map<String, Server> servers, Map<String, ApiKey> keys,
        SessionLimits sessions) implements DaemonSettings {

    /**
     * Downstream MCP sessions: each holds state in the gateway until it is closed or idle.
     *
     * @param perKey      sessions one key may have open at once; {@code initialize} beyond it is refused (429)
     * @param idleTimeout a session without a request for this long is closed (the client must initialize again)
     */
    public record SessionLimits(int perKey, Duration idleTimeout) {
    }

    /** The MCP server extension closes idle sessions itself; this is its setting. */
    @Override
    public Map<String, String> quarkusProperties() {
        return Map.of("quarkus.mcp.server.connection-idle-timeout", sessions.idleTimeout().toString());
    }

    /**
     * {@code [mcp.servers.<name>]}: a stdio server the gateway starts ({@code command}), or a remote one ({@code url},
     * with its own credential — the client's token is never forwarded).
     *
     * @param maxResultBytes the largest message read from the server (a stdio line) and the largest result passed on;
     *                       a larger one is answered with the JSON-RPC error "result too large"
     */
    public record Server(String name, List<String> command, Optional<URI> url, Optional<SecretRef> token,
            List<String> envAllow, Map<String, String> env, Optional<Path> workingDir, boolean logArguments,
            long maxArgumentBytes, Duration callTimeout, Optional<RateLimit> toolRateLimit, long maxResultBytes) {

        public boolean stdio() {
            return !command.isEmpty();
        }
    }

    /**
     * {@code [mcp.keys.<id>]}: one caller. {@code allow}/{@code deny} are globs over exposed names
     * ({@code <server>__<tool>}); deny wins; an empty allow list allows nothing.
     */
    public record ApiKey(String id, byte[] sha256, List<String> allow, List<String> deny, Optional<RateLimit> rateLimit) {
    }
}
