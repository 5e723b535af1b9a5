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
 * @param auditRetention how long audit rows ({@code tool_calls}) are kept
 * @param sessions limits on downstream sessions
 */
public record McpSettings(Listen listen, List<String> allowedOrigins, Map<String, Server> servers, Map<String, ApiKey> keys,
        Duration auditRetention, SessionLimits sessions) implements DaemonSettings {

    /**
     * Downstream MCP sessions: each holds state in the gateway until it is closed or idle.
     *
     * @param perKey      sessions one key may have open at once; {@code initialize} beyond it is refused (429)
     * @param idleTimeout a session without a request for this long is closed (the client must initialize again)
     */
    public record SessionLimits(int perKey, Duration idleTimeout) {
    }

    /** The remote servers' own tokens (the only secrets {@code [mcp]} names). */
    @Override
    public List<SecretRef> secrets() {
        return servers.values().stream().flatMap(s -> s.token().stream()).toList();
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
     * @param runAs the system user a stdio server runs as ({@code run_as}), so it cannot read the daemons' state or
     *              credentials; empty = the gateway's own user
     */
    public record Server(String name, List<String> command, Optional<URI> url, Optional<SecretRef> token,
            List<String> envAllow, Map<String, String> env, Optional<Path> workingDir, boolean logArguments,
            long maxArgumentBytes, Duration callTimeout, Optional<RateLimit> toolRateLimit, long maxResultBytes,
            Optional<String> runAs) {

        /** A server that runs as the gateway's own user. */
        public Server(String name, List<String> command, Optional<URI> url, Optional<SecretRef> token,
                List<String> envAllow, Map<String, String> env, Optional<Path> workingDir, boolean logArguments,
                long maxArgumentBytes, Duration callTimeout, Optional<RateLimit> toolRateLimit, long maxResultBytes) {
            this(name, command, url, token, envAllow, env, workingDir, logArguments, maxArgumentBytes, callTimeout,
                    toolRateLimit, maxResultBytes, Optional.empty());
        }

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
