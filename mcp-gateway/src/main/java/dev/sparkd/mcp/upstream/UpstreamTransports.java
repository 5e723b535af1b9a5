package dev.sparkd.mcp.upstream;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import dev.sparkd.mcp.config.McpSettings;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;

/**
 * How the gateway reaches one {@code [mcp.servers.<name>]}: the one place that decides a stdio server's environment,
 * identity and working directory, and a remote server's endpoint and credential. The gateway's supervisor and
 * {@code sparkd doctor} both start servers through it, so the doctor tests what the gateway will run.
 */
public final class UpstreamTransports {
    /** What every stdio server gets of the gateway's environment besides its own {@code env_allow} and {@code env}. */
    static final List<String> BASE_ENV = List.of("PATH", "HOME", "LANG", "TZ");

    private UpstreamTransports() {
    }

    /** A stdio server's process, run as its {@code run_as} user when set; {@code onExit} gets the exit status. */
    public static StdioTransport stdio(McpSettings.Server s, McpJsonMapper json, Consumer<Integer> onExit) {
        Map<String, String> env = new HashMap<>();
        Map<String, String> ours = System.getenv();
        BASE_ENV.forEach(k -> Optional.ofNullable(ours.get(k)).ifPresent(v -> env.put(k, v)));
        s.envAllow().forEach(k -> Optional.ofNullable(ours.get(k)).ifPresent(v -> env.put(k, v)));
        env.putAll(s.env());
        // a run_as server starts in / unless told otherwise: the gateway's own working directory is closed to it
        return new StdioTransport(s.name(), ProcessGroup.asUser(s.runAs(), s.command()), env,
                s.workingDir().or(() -> s.runAs().map(user -> Path.of("/"))), json, onExit, (int) s.maxResultBytes());
    }

    /**
     * A remote (Streamable HTTP) server with its own credential, read now, so a rotated file applies at the next
     * (re)start; a caller's token never reaches this point.
     */
    public static McpClientTransport remote(McpSettings.Server s, McpJsonMapper json) {
        URI url = s.url().orElseThrow();
        String endpoint = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath()
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        Optional<String> token = s.token().map(ref -> ref.resolve());
        return HttpClientStreamableHttpTransport.builder(url.getScheme() + "://" + url.getRawAuthority())
                .endpoint(endpoint)
                .jsonMapper(json)
                .connectTimeout(Duration.ofSeconds(10))
                .httpRequestCustomizer((b, method, uri, body, ctx) -> token.ifPresent(t -> b.setHeader("Authorization", "Bearer " + t)))
                .build();
    }
}
