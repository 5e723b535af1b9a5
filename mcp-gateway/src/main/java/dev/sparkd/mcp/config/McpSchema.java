package dev.sparkd.mcp.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.sparkd.core.config.ConfigTable;
import dev.sparkd.core.config.Listen;
import dev.sparkd.core.config.SectionSchema;
import dev.sparkd.core.config.SuiteConfig;

/** Reads {@code [mcp]}; registered for the shared loader in {@code META-INF/services}. */
public final class McpSchema extends SectionSchema<McpSettings> {
    public static final int DEFAULT_PORT = 8473;
    public static final long DEFAULT_MAX_ARGUMENT_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);
    /**
     * 4 MiB: a tool result with a few screenshots fits; the gateway's 64 MB heap holds such a message several times (the
     * line, its parsed form, the answer written downstream) while other calls run. 16 MB ran it out.
     */
    public static final long DEFAULT_MAX_RESULT_BYTES = 4L << 20;
    static final long MAX_RESULT_BYTES = 64L << 20;
    /** Sessions one key may hold open: a few clients (an IDE, an agent, a CLI) with room for reconnects. */
    public static final int DEFAULT_SESSIONS_PER_KEY = 16;
    /** A session idle this long is closed; clients reconnect (initialize) when they come back. */
    public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9_*?-]{1,80}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern USER_NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final String RUN_AS_HINT = "a system user's name (lower-case letters, digits, '_', '-'), e.g. \"sparkd-mcp\"";

    public McpSchema() {
        super("mcp", McpSettings.class);
    }

    @Override
    public McpSettings read(ConfigTable t, SuiteConfig core) {
        Listen listen = Listen.read(t, "listen", DEFAULT_PORT);
        List<String> origins = t.strings("allowed_origins");
        Optional<String> defaultRunAs = t.matching("run_as", USER_NAME, RUN_AS_HINT);
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
            if (token.isPresent() && !command.isEmpty()) {
                s.error("token_file", "`token_file`/`token_env` is for remote (`url`) servers",
                        "give a stdio server its credential through `env_allow` (an environment variable of the gateway)");
            }
            List<String> envAllow = s.strings("env_allow");
            for (String e : envAllow) {
                if (!ENV_NAME.matcher(e).matches()) {
                    s.error("env_allow", "\"" + e + "\" is not an environment variable name", "");
                }
            }
            Map<String, String> env = new LinkedHashMap<>();
            s.table("env").ifPresent(e -> {
                for (String k : e.keys()) {
                    if (!ENV_NAME.matcher(k).matches()) {
                        e.error(k, "\"" + k + "\" is not an environment variable name", "");
                    }
                    e.string(k).ifPresent(v -> env.put(k, v));
                }
                e.finish();
            });
            Optional<String> runAs = s.matching("run_as", USER_NAME, RUN_AS_HINT).or(() -> command.isEmpty() ? Optional.empty() : defaultRunAs);
            if (s.has("run_as") && command.isEmpty()) {
                s.error("run_as", "`run_as` is for stdio (`command`) servers", "a remote server runs elsewhere");
            }
            var workingDir = s.path("working_dir");
            boolean logArguments = s.bool("log_arguments", false);
            long maxArgs = s.size("max_argument_size").orElse(DEFAULT_MAX_ARGUMENT_BYTES);
            Duration timeout = s.duration("call_timeout", Duration.ofMillis(100), Duration.ofHours(1)).orElse(DEFAULT_CALL_TIMEOUT);
            Optional<RateLimit> toolRate = rateLimit(s, "tool_rate_limit");
            long maxResult = s.size("max_result_size").orElse(DEFAULT_MAX_RESULT_BYTES);
            if (maxResult < 1024 || maxResult > MAX_RESULT_BYTES) {
                s.error("max_result_size", "expected a size from 1KiB to 64MiB, found " + maxResult + " bytes",
                        "the gateway holds a result in memory; raise -Xmx in jvm/daemon.options with it");
                maxResult = DEFAULT_MAX_RESULT_BYTES;
            }
            s.finish();
            servers.put(name, new McpSettings.Server(name, command, url, token, envAllow, Map.copyOf(env), workingDir,
                    logArguments, maxArgs, timeout, toolRate, maxResult, runAs));
        });
        Map<String, McpSettings.ApiKey> keys = new LinkedHashMap<>();
        t.namedTables("keys").forEach((id, k) -> {
            if (!id.matches("[a-zA-Z0-9_-]{1,64}")) {
                k.error(null, "key id \"" + id + "\" must be 1-64 letters, digits, '_' or '-'", "the id appears in the audit log");
            }
            Optional<String> hash = k.matching("sha256", SHA256, "\"sha256:<64 lowercase hex digits>\"");
            if (!k.has("sha256")) {
                k.error(null, "missing `sha256` in [" + k.path() + "]", "create a key with `mcp-gateway keys create " + id
                        + "` and paste the printed sha256 line; the key itself never goes in this file");
            }
            List<String> allow = globs(k, "allow");
            List<String> deny = globs(k, "deny");
            Optional<RateLimit> rate = rateLimit(k, "rate_limit");
            k.finish();
            hash.ifPresent(h -> keys.put(id, new McpSettings.ApiKey(id, HexFormat.of().parseHex(h.substring(7)), allow, deny, rate)));
        });
        Duration auditRetention = t.duration("audit_retention", Duration.ofDays(1), Duration.ofDays(3650)).orElse(Duration.ofDays(90));
        McpSettings.SessionLimits sessions = new McpSettings.SessionLimits(
                t.integer("max_sessions_per_key", 1, 10_000).orElse((long) DEFAULT_SESSIONS_PER_KEY).intValue(),
                t.duration("session_idle_timeout", Duration.ofSeconds(10), Duration.ofHours(24)).orElse(DEFAULT_SESSION_IDLE_TIMEOUT));
        t.finish();
        return new McpSettings(listen, origins, servers, keys, auditRetention, sessions);
    }

    private static List<String> globs(ConfigTable t, String key) {
        List<String> globs = t.strings(key);
        for (String g : globs) {
            if (!GLOB.matcher(g).matches()) {
                t.error(key, "\"" + g + "\" is not a name glob", "use letters, digits, '_', '-', '*' and '?', e.g. \"filesystem__read_*\"");
            }
        }
        return globs;
    }

    private static Optional<RateLimit> rateLimit(ConfigTable t, String key) {
        return t.string(key).flatMap(text -> {
            Optional<RateLimit> r = RateLimit.parse(text);
            if (r.isEmpty()) {
                t.error(key, "expected a rate like \"60/m\", found \"" + text + "\"", "calls per second (s), minute (m) or hour (h)");
            }
            return r;
        });
    }
}
