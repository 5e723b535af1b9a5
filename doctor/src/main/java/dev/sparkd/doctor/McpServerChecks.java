package dev.sparkd.doctor;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.sparkd.mcp.config.McpSettings;
import dev.sparkd.mcp.upstream.UpstreamTransports;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * Every MCP server of {@code [mcp.servers]} starts (stdio: through the gateway's own transport, with the environment
 * the gateway gives it) or answers (url), completes the MCP handshake and lists its tools.
 */
final class McpServerChecks {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private McpServerChecks() {
    }

    static Check run(McpSettings.Server s) {
        String subject = "mcp server " + s.name();
        McpJsonMapper json = McpJsonDefaults.getMapper();
        McpClientTransport transport;
        try {
            transport = s.stdio() ? UpstreamTransports.stdio(s, json, exit -> { }) : UpstreamTransports.remote(s, json);
        } catch (IllegalStateException e) {
            return Check.problem(subject, e.getMessage(), "make [mcp.servers." + s.name() + "] token_file readable by this user");
        }
        McpSyncClient client = McpClient.sync(transport).requestTimeout(TIMEOUT).initializationTimeout(TIMEOUT)
                .clientInfo(new McpSchema.Implementation("sparkd-doctor", "1")).build();
        try {
            McpSchema.InitializeResult init = client.initialize();
            McpSchema.ListToolsResult tools = client.listTools();
            List<String> names = tools.tools().stream().map(McpSchema.Tool::name).toList();
            if (names.isEmpty()) {
                return Check.problem(subject, describe(s) + " started but lists no tools", "check the server's own configuration");
            }
            return Check.ok(subject, serverName(init) + " (" + describe(s) + ") lists " + names.size() + " tool(s): "
                    + String.join(", ", names.size() > 6 ? names.subList(0, 6) : names) + (names.size() > 6 ? ", …" : ""));
        } catch (RuntimeException e) {
            return Check.problem(subject, describe(s) + " did not start or answer: " + rootMessage(e),
                    s.stdio() ? "run the command by hand in " + s.workingDir().map(Object::toString).orElse("the gateway's directory")
                            + " and read its stderr; check `command`, `working_dir` and `env_allow` of [mcp.servers." + s.name() + "]"
                            : "check that " + s.url().orElseThrow() + " is an MCP (Streamable HTTP) endpoint and its token");
        } finally {
            try {
                client.closeGracefully();
            } catch (RuntimeException ignored) {
                // the server may already be gone; closing is best effort
            }
        }
    }

    private static String describe(McpSettings.Server s) {
        return s.stdio() ? "stdio `" + s.command().get(0) + "`" : s.url().orElseThrow().toString();
    }

    private static String serverName(McpSchema.InitializeResult init) {
        return init.serverInfo() == null ? "server" : init.serverInfo().name() + " " + init.serverInfo().version();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
