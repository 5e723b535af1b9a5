package dev.sparkd.mcp.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.sparkd.services.config.DaemonSettings;
import dev.sparkd.services.config.Listen;
import dev.sparkd.services.config.SecretRef;

/**
 * {@code [mcp]}: the gateway's endpoint and its upstream MCP servers.
 *
 * @param allowedOrigins browser origins allowed to call {@code /mcp}; requests from any other Origin get 403
 */
public record McpSettings(Listen listen, List<String> allowedOrigins, Map<String, Server> servers) implements DaemonSettings {

    /**
     * {@code [mcp.servers.<name>]}: a stdio server the gateway starts ({@code command}), or a remote one ({@code url},
     * with its own credential — the client's token is never forwarded).
     */
    public record Server(String name, List<String> command, Optional<URI> url, Optional<SecretRef> token,
            List<String> envAllow, Optional<Path> workingDir, boolean logArguments) {
    }
}
