package dev.sparkd.mcp.upstream;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import dev.sparkd.mcp.config.McpSettings;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.vertx.core.Vertx;

/**
 * How the gateway reaches one {@code [mcp.servers.<name>]}: the one place that decides a stdio server's environment,
 * identity and working directory, and a remote server's endpoint and credential. The gateway's supervisor and
 * {@code sparkd doctor} both start servers through it, so the doctor tests what the gateway will run.
 */
public final class UpstreamTransports {
    /** What every stdio server gets of the gateway's environment besides its own {@code env_allow} and {@code env}. */
    static final List<String> BASE_ENV = List.of("PATH", "HOME", "LANG", "TZ");
    private static final String TOO_LARGE = "result too large: upstream ";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** A remote server silent this long past {@code call_timeout} has its request reset (the caller was answered). */
    static final Duration IDLE_GRACE = Duration.ofSeconds(5);

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
     * (re)start; a caller's token never reaches this point. Its requests run on {@code vertx}'s event loops; with a
     * null {@code vertx} the transport makes its own and closes it with itself (the doctor, outside the gateway).
     */
    public static McpClientTransport remote(McpSettings.Server s, McpJsonMapper json, Vertx vertx) {
        Optional<String> token = s.token().map(ref -> ref.resolve());
        return new StreamableHttpTransport(s.name(), vertx, s.url().orElseThrow(), token, json, (int) s.maxResultBytes(),
                CONNECT_TIMEOUT, s.callTimeout().plus(IDLE_GRACE));
    }

    /** {@link #remote(McpSettings.Server, McpJsonMapper, Vertx)} on a Vert.x of its own. */
    public static McpClientTransport remote(McpSettings.Server s, McpJsonMapper json) {
        return remote(s, json, null);
    }

    /** The JSON-RPC error message for an answer over {@code max_result_size}, on either transport. */
    static String tooLargeMessage(String server, long length, boolean atLeast, long limit) {
        return TOO_LARGE + server + " answered with " + (atLeast ? "at least " : "") + length + " bytes, more than the "
                + limit + " this gateway accepts (max_result_size)";
    }

    /** Whether an upstream call failed with the gateway's own "result too large" error (audit outcome too_large). */
    public static boolean tooLarge(String errorMessage) {
        return errorMessage != null && errorMessage.startsWith(TOO_LARGE);
    }
}
