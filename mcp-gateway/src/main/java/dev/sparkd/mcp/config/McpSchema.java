package dev.sparkd.mcp.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.sparkd.services.config.ConfigTable;
import dev.sparkd.services.config.Listen;
import dev.sparkd.services.config.SectionSchema;
import dev.sparkd.services.config.SuiteConfig;

/** Reads {@code [mcp]}; registered for the shared loader in {@code META-INF/services}. */
public final class McpSchema implements SectionSchema<McpSettings> {
    public static final int DEFAULT_PORT = 8473;

    @Override
    public String section() {
        return "mcp";
    }

    @Override
    public String daemon() {
        return "mcp-gateway";
    }

    @Override
    public Class<McpSettings> type() {
        return McpSettings.class;
    }

    @Override
    public McpSettings read(ConfigTable t, SuiteConfig core) {
        Listen listen = Listen.read(t, "listen", DEFAULT_PORT);
        List<String> origins = t.strings("allowed_origins");
        Map<String, McpSettings.Server> servers = new LinkedHashMap<>();
        t.namedTables("servers").forEach((name, s) -> {
            if (!name.matches("[a-zA-Z0-9-]{1,32}")) {
                s.error(null, "server name \"" + name + "\" must be 1-32 letters, digits or '-'", "it prefixes tool names as <server>__<tool>");
            }
            List<String> command = s.strings("command");
            Optional<URI> url = s.string("url").flatMap(u -> {
                try {
                    URI uri = new URI(u);
                    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                        s.error("url", "expected an http(s) URL, found \"" + u + "\"", "");
                        return Optional.empty();
                    }
                    return Optional.of(uri);
                } catch (URISyntaxException e) {
                    s.error("url", "not a valid URL: " + e.getReason(), "");
                    return Optional.empty();
                }
            });
            if (command.isEmpty() == !s.has("url")) {
                s.error(null, "set exactly one of `command` (a stdio server) or `url` (a remote server)",
                        "e.g. command = [\"npx\", \"@modelcontextprotocol/server-memory\"]");
            }
            var token = s.secret("token", false);
            List<String> envAllow = s.strings("env_allow");
            var workingDir = s.path("working_dir");
            boolean logArguments = s.bool("log_arguments", false);
            s.finish();
            servers.put(name, new McpSettings.Server(name, command, url, token, envAllow, workingDir, logArguments));
        });
        t.finish();
        return new McpSettings(listen, origins, servers);
    }
}
