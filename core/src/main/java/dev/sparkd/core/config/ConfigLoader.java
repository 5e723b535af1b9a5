package dev.sparkd.core.config;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;

/**
 * Turns the one TOML file into a validated {@link SuiteConfig}, reporting every problem at once. Shared sections are
 * read here; daemon sections by the {@link SectionSchema}s found with {@link ServiceLoader} (or given).
 */
public final class ConfigLoader {
    /** Daemon sections and the daemon that owns each; a section whose schema is not loaded is left to its daemon. */
    public static final Map<String, String> DAEMON_SECTIONS = Map.of(
            "health", "health-agent", "models", "model-manager", "router", "router", "mcp", "mcp-gateway");

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final String NAME_RULE = "a name of lower-case letters, digits, '-' and '_' (at most 63), e.g. \"spark-1\"";
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern ORIGIN = Pattern.compile("https?://(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(:\\d{1,5})?");
    private static final Pattern SSH_USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");
    private static final Map<String, String> PROVIDER_URLS = Map.of(
            "openai", "https://api.openai.com",
            "openrouter", "https://openrouter.ai/api",
            "anthropic", "https://api.anthropic.com");

    static {
        loadTomlParserQuietly();
    }

    private ConfigLoader() {
    }

    /**
     * tomlj is compiled against ANTLR 4.11 while the Quarkus platform ships the 4.13 runtime, which reads it fine but
     * prints a version-mismatch warning on stderr when the parser class loads — noise in every daemon's start and in
     * {@code sparkd check}. Load the parser once with stderr held back; only that warning is dropped.
     */
    private static synchronized void loadTomlParserQuietly() {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(held, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            Toml.parse("a = 1");
        } finally {
            System.setErr(err);
        }
        held.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(line -> !line.startsWith("ANTLR Tool version") && !line.startsWith("ANTLR Runtime version"))
                .forEach(err::println);
    }

    /** Loads with every schema on the class path. */
    public static SuiteConfig load(Path file) {
        return load(file, installedSchemas());
    }

    /**
     * Loads with every schema on the class path for a command-line tool: on problems, prints them and
     * {@code "<who>: N problem(s) in FILE"} to {@code err} and answers empty (the tool then exits with its config code).
     */
    public static Optional<SuiteConfig> loadOrReport(Path file, String who, PrintStream err) {
        try {
            return Optional.of(load(file));
        } catch (ConfigException e) {
            err.println(ConfigException.report(e.problems()));
            err.println(who + ": " + e.problems().size() + " problem(s) in " + file);
            return Optional.empty();
        }
    }

    public static List<SectionSchema<?>> installedSchemas() {
        List<SectionSchema<?>> schemas = new ArrayList<>();
        ServiceLoader.load(SectionSchema.class, ConfigLoader.class.getClassLoader()).forEach(schemas::add);
        if (Thread.currentThread().getContextClassLoader() != null) {
            ServiceLoader.load(SectionSchema.class).forEach(s -> {
                if (schemas.stream().noneMatch(known -> known.getClass().equals(s.getClass()))) {
                    schemas.add(s);
                }
            });
        }
        return schemas;
    }

    /** Loads and validates; throws {@link ConfigException} listing every problem. */
    public static SuiteConfig load(Path file, List<SectionSchema<?>> schemas) {
        Problems problems = new Problems(file);
        TomlParseResult toml = parse(file, problems);
        problems.throwIfAny();

        ConfigTable root = new ConfigTable(toml, "", TomlPosition.positionAt(1, 1), problems);
        Suite suite = readSuite(root);
        DatabaseSettings database = readDatabase(root);
        Map<String, Host> hosts = readHosts(root);
        Map<String, ServiceDef> services = readServices(root, hosts);
        SuiteConfig core = new SuiteConfig(file, suite, database, hosts, services, Map.of());

        Map<String, DaemonSettings> sections = new LinkedHashMap<>();
        for (SectionSchema<?> schema : schemas) {
            root.accept(schema.section());
            ConfigTable table = root.has(schema.section()) ? root.table(schema.section()).orElse(null)
                    : new ConfigTable(Toml.parse(""), schema.section(), root.position(), problems);
            if (table != null) {
                sections.put(schema.section(), schema.read(table, core));
            }
        }
        DAEMON_SECTIONS.keySet().forEach(root::accept);
        root.finish();
        problems.throwIfAny();
        return new SuiteConfig(file, suite, database, hosts, services, sections);
    }

    /**
     * Heap a tomlj parse takes per byte of TOML at its peak (ANTLR keeps a token and a tree node per character of a
     * quoted string): measured, a 101 KB file of 1,500 services needs 21–24 MB, a 343 KB one of 5,000 services 76–80 MB.
     * Rounded up.
     */
    static final int PARSE_HEAP_PER_BYTE = 250;

    /** The largest file a parse can take with this much heap free, without running out of memory. */
    static long parseableBytes(long freeHeap) {
        return freeHeap / PARSE_HEAP_PER_BYTE;
    }

    private static long freeHeap(Runtime jvm) {
        return jvm.maxMemory() - (jvm.totalMemory() - jvm.freeMemory());
    }

    /** A heap to suggest: twice the parse's need, and always more than the heap that was not enough; in 64 MB steps. */
    static long heapMegabytesFor(long size, long maxHeap) {
        long needed = Math.max(size * PARSE_HEAP_PER_BYTE * 2, maxHeap + 64L * 1024 * 1024) / (1024 * 1024);
        return Math.max(64, (needed + 63) / 64 * 64);
    }

    private static TomlParseResult parse(Path file, Problems problems) {
        if (!Files.isRegularFile(file)) {
            problems.add(null, "", "config file not found", "pass --config FILE, set SPARKD_CONFIG, or create "
                    + ConfigLocation.DEFAULT + " (see examples/demo.toml)");
            return Toml.parse("");
        }
        try {
            long size = Files.size(file);
            Runtime jvm = Runtime.getRuntime();
            long free = freeHeap(jvm);
            if (size > parseableBytes(free)) {
                // what looks used may be garbage (a daemon loads its config after Quarkus has started): count once more
                // after a collection, so a file `sparkd check` accepts is not refused by the daemon for it
                System.gc();
                free = freeHeap(jvm);
            }
            if (size > parseableBytes(free)) {
                problems.add(null, "", "the config file is " + size / 1024 + " KB; parsing TOML takes about " + PARSE_HEAP_PER_BYTE
                        + " bytes of heap per byte, and this JVM has " + free / (1024 * 1024) + " MB of its " + jvm.maxMemory() / (1024 * 1024)
                        + " MB heap free: it reads at most " + parseableBytes(free) / 1024 + " KB", "give the JVM a larger heap: SPARKD_JAVA_OPTS=-Xmx"
                        + heapMegabytesFor(size, jvm.maxMemory()) + "m for ./sparkd and the daemons' units (the NixOS module: daemons.<daemon>.javaOptions)");
                return Toml.parse("");
            }
            TomlParseResult result = Toml.parse(file);
            for (TomlParseError error : result.errors()) {
                problems.add(error.position(), "", "TOML syntax: " + error.getMessage(), "");
            }
            return result;
        } catch (IOException e) {
            problems.add(null, "", "cannot read the config file: " + e.getMessage(), "check that this user may read it");
            return Toml.parse("");
        }
    }

    private static Suite readSuite(ConfigTable root) {
        ConfigTable t = root.table("suite").orElse(null);
        if (t == null) {
            return new Suite("sparkd", Suite.DEFAULT_STATE_DIR, Suite.LogFormat.TEXT, EdgeSettings.DEFAULTS);
        }
        String name = t.matching("name", NAME, NAME_RULE).orElse("sparkd");
        Path stateDir = t.path("state_dir").orElse(Suite.DEFAULT_STATE_DIR);
        t.string("state_dir")
                .flatMap(dir -> java.util.stream.Stream.of("/tmp", "/dev/shm").filter(v -> dir.equals(v) || dir.startsWith(v + "/")).findFirst())
                .ifPresent(volatileDir -> t.error("state_dir", "state under " + volatileDir + " is lost on reboot"
                        + (volatileDir.equals("/tmp") ? " (and hidden by PrivateTmp=)" : ""), "use a durable directory such as /var/lib/sparkd"));
        Suite.LogFormat format = Suite.LogFormat.valueOf(t.choice("log_format", List.of("text", "json")).orElse("text").toUpperCase());
        EdgeSettings edge = readEdge(t);
        t.finish();
        return new Suite(name, stateDir, format, edge);
    }

    /** The edge's keys in {@code [suite]}: {@code allowed_hosts}, {@code allowed_origins}, {@code admin_token_*}, {@code metrics_admin_only}. */
    private static EdgeSettings readEdge(ConfigTable t) {
        List<String> hosts = new ArrayList<>();
        for (String host : t.strings("allowed_hosts")) {
            if (host.equals("*") || host.startsWith("*.")) {
                t.error("allowed_hosts", "wildcards are not accepted (\"" + host + "\"): they undo the DNS-rebinding defence",
                        "list each name clients use to reach the daemons, e.g. [\"spark-1.lan\"]");
            } else if (!HOSTNAME.matcher(host).matches() && !(host.contains(":") && IPV6.matcher(host.replace("[", "").replace("]", "")).matches())) {
                t.error("allowed_hosts", "not a host name or address: \"" + host + "\"", "a name without scheme or port, e.g. \"spark-1.lan\" or \"192.168.1.50\"");
            } else {
                hosts.add(host.toLowerCase(java.util.Locale.ROOT));
            }
        }
        List<String> origins = new ArrayList<>();
        for (String origin : t.strings("allowed_origins")) {
            if (!ORIGIN.matcher(origin).matches()) {
                t.error("allowed_origins", "not a browser origin: \"" + origin + "\"", "scheme, host and optional port, no path and no wildcard, e.g. \"https://grafana.lan\"");
            } else {
                origins.add(origin.toLowerCase(java.util.Locale.ROOT));
            }
        }
        Optional<SecretRef> token = t.secret("admin_token", false);
        boolean metricsAdminOnly = t.bool("metrics_admin_only", false);
        return new EdgeSettings(hosts, origins, token, metricsAdminOnly);
    }

    private static DatabaseSettings readDatabase(ConfigTable root) {
        ConfigTable t = root.table("database").orElse(null);
        if (t == null) {
            return DatabaseSettings.EMBEDDED;
        }
        Optional<URI> url = t.string("url").flatMap(text -> {
            try {
                URI u = new URI(text);
                if (!"postgresql".equals(u.getScheme()) && !"postgres".equals(u.getScheme())) {
                    t.error("url", "expected a postgresql:// URL, found scheme \"" + u.getScheme() + "\"", "e.g. postgresql://sparkd@127.0.0.1:5432/sparkd");
                    return Optional.empty();
                }
                if (u.getUserInfo() != null && u.getUserInfo().contains(":")) {
                    t.error("url", "the URL contains a password", "remove it from the URL and set password_file (or password_env)");
                    return Optional.empty();
                }
                if (u.getHost() == null || u.getRawPath() == null || u.getRawPath().length() < 2) {
                    t.error("url", "expected postgresql://[user@]host[:port]/database", "name the host and the database");
                    return Optional.empty();
                }
                return Optional.of(u);
            } catch (URISyntaxException e) {
                t.error("url", "not a valid URL: " + e.getReason(), "e.g. postgresql://sparkd@127.0.0.1:5432/sparkd");
                return Optional.empty();
            }
        });
        Optional<String> user = t.matching("user", SSH_USER, "a PostgreSQL role name");
        Optional<SecretRef> password = t.secret("password", false);
        if (url.isEmpty() && (user.isPresent() || password.isPresent()) && !t.has("url")) {
            t.error(null, "user/password are set but url is missing", "set url to use an external PostgreSQL, or remove [database] to use the embedded one");
        }
        t.finish();
        return new DatabaseSettings(url, user, password);
    }

    private static Map<String, Host> readHosts(ConfigTable root) {
        Map<String, Host> hosts = new LinkedHashMap<>();
        root.namedTables("hosts").forEach((name, t) -> {
            checkName(t, name);
            String address = t.requiredString("address", "the host's IP address, e.g. \"192.168.1.50\"").orElse("");
            if (!address.isEmpty() && !HOSTNAME.matcher(address).matches() && !(address.contains(":") && IPV6.matcher(address).matches())) {
                t.error("address", "not an IP address or host name: \"" + address + "\"", "");
            }
            if (address.endsWith(".local")) {
                t.error("address", "mDNS names (.local) can resolve IPv6-first and hang connections", "use the host's IP address instead");
            }
            Optional<Host.SshSettings> ssh = t.table("ssh").map(s -> {
                String user = s.matching("user", SSH_USER, "a Unix user name").orElse("root");
                if (!s.has("user")) {
                    s.error(null, "missing `user` in the ssh settings", "e.g. ssh = { user = \"spark\", key_file = \"…\", known_hosts = \"…\" }");
                }
                int port = s.port("port").orElse(22);
                Path key = s.path("key_file").orElse(null);
                Path knownHosts = s.path("known_hosts").orElse(null);
                if (key == null && !s.has("key_file")) {
                    s.error(null, "missing `key_file`", "the private key sparkd logs in with, e.g. /etc/sparkd/ssh/id_ed25519 (or a systemd credential path)");
                }
                if (knownHosts == null && !s.has("known_hosts")) {
                    s.error(null, "missing `known_hosts`", "host keys are always verified: create it with `ssh-keyscan HOST >> known_hosts` after checking the fingerprint");
                }
                s.finish();
                return new Host.SshSettings(user, port, key, knownHosts);
            });
            Host.GpuKind gpu = Host.GpuKind.valueOf(t.choice("gpu", List.of("gb10", "discrete", "none")).orElse("none").toUpperCase());
            List<Path> dirs = new ArrayList<>();
            for (String dir : t.strings("models_dirs")) {
                if (!dir.startsWith("/")) {
                    t.error("models_dirs", "expected absolute paths, found \"" + dir + "\"", "");
                } else {
                    dirs.add(Path.of(dir));
                }
            }
            String hfCache = t.matching("hf_cache", Host.HF_CACHE, "an absolute path of letters, digits and . _ / -, e.g. \"/home/spark/.cache/huggingface\"")
                    .orElse(Host.defaultHfCache(ssh));
            if (hfCache.contains("..")) {
                t.error("hf_cache", "\"..\" is not allowed in hf_cache", "name the directory itself");
            }
            t.finish();
            hosts.put(name, new Host(name, address, ssh, gpu, List.copyOf(dirs), hfCache));
        });
        return hosts;
    }

    private static Map<String, ServiceDef> readServices(ConfigTable root, Map<String, Host> hosts) {
        Map<String, ServiceDef> services = new LinkedHashMap<>();
        root.namedTables("services").forEach((name, t) -> {
            checkName(t, name);
            Optional<String> kindKey = t.requiredString("kind", "one of " + String.join(" | ", ServiceKind.keys()));
            if (kindKey.isPresent() && !ServiceKind.keys().contains(kindKey.get())) {
                t.error("kind", "unknown kind \"" + kindKey.get() + "\"", Suggestions.hint(kindKey.get(), ServiceKind.keys()));
            }
            ServiceKind kind = kindKey.filter(ServiceKind.keys()::contains).map(ServiceKind::of).orElse(ServiceKind.HTTP);
            Optional<String> provider = kind == ServiceKind.OPENAI
                    ? Optional.of(t.choice("provider", List.of("openai", "openrouter", "anthropic", "compatible")).orElse("openai"))
                    : Optional.empty();
            Optional<String> host = t.string("host");
            host.filter(h -> !hosts.containsKey(h)).ifPresent(h -> t.error("host", "no host named \"" + h + "\"",
                    hosts.isEmpty() ? "declare it as [hosts." + h + "]" : Suggestions.hint(h, hosts.keySet())));
            Optional<Integer> port = t.port("port");
            Optional<String> url = t.string("url");
            URI base = baseUri(t, kind, provider, host.map(hosts::get), port, url);
            Optional<String> model = kind == ServiceKind.VLLM || kind == ServiceKind.LLAMACPP ? t.string("model") : Optional.empty();
            Duration grace = kind == ServiceKind.VLLM || kind == ServiceKind.LLAMACPP
                    ? t.duration("start_grace", Duration.ZERO, Duration.ofHours(2)).orElse(Duration.ofMinutes(15)) : Duration.ZERO;
            Optional<String> container = kind == ServiceKind.VLLM
                    ? t.matching("container", Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}"), "a Docker container name") : Optional.empty();
            Optional<SecretRef> apiKey = kind == ServiceKind.OPENAI
                    ? t.secret("api_key", !"compatible".equals(provider.orElse("")))
                    : kind.isModelServer() ? t.secret("api_key", false) : Optional.empty();
            TlsTrust tls = tlsTrust(t, base);
            boolean local = locality(t, kind, provider);
            List<String> conditions = kind == ServiceKind.HTTP ? t.strings("conditions") : List.of();
            Duration timeout = t.duration("timeout", Duration.ofMillis(100), Duration.ofMinutes(5)).orElse(Duration.ofSeconds(5));
            t.finish();
            services.put(name, new ServiceDef(name, kind, host, base, model, grace, container, provider, apiKey, conditions, timeout, local, tls));
        });
        return services;
    }

    /**
     * {@code ca_file} (a PEM bundle trusted instead of the JVM's CAs) or {@code pinned_sha256} (the SHA-256 of the
     * server certificate, as {@code openssl x509 -noout -fingerprint -sha256} prints it): only for {@code https}.
     */
    private static TlsTrust tlsTrust(ConfigTable t, URI base) {
        Optional<Path> caFile = t.path("ca_file");
        Optional<String> pin = t.string("pinned_sha256");
        Optional<String> pinHex = pin.map(TlsTrust::normalizePin);
        if (pin.isPresent() && pinHex.get().isEmpty()) {
            t.error("pinned_sha256", "expected a SHA-256 fingerprint (64 hex digits, colons allowed), found \"" + pin.get() + "\"",
                    "print it with: openssl x509 -noout -fingerprint -sha256 -in server.crt");
        }
        if (caFile.isPresent() && pin.isPresent()) {
            t.error("pinned_sha256", "both `ca_file` and `pinned_sha256` are set", "keep one of them");
        }
        if ((caFile.isPresent() || pin.isPresent()) && !"https".equalsIgnoreCase(base.getScheme())) {
            t.error(caFile.isPresent() ? "ca_file" : "pinned_sha256", "TLS settings need an https:// `url`",
                    "set url = \"https://…\", or remove the TLS setting");
        }
        return new TlsTrust(caFile, pinHex.filter(h -> !h.isEmpty()));
    }

    /**
     * Whether prompts sent to the service stay on hardware the operator controls. Model servers on {@code [hosts.*]}
     * are; public providers are not; a {@code compatible} provider could be either (a LiteLLM on the LAN, or a hosted
     * service), so it must say {@code local = true|false} — guessing wrong would leak prompts from local-only routes.
     */
    private static boolean locality(ConfigTable t, ServiceKind kind, Optional<String> provider) {
        boolean compatible = kind == ServiceKind.OPENAI && provider.orElse("").equals("compatible");
        if (!compatible) {
            if (t.has("local")) {
                t.accept("local");
                t.error("local", "`local` is only read for provider = \"compatible\"",
                        kind == ServiceKind.OPENAI ? "a public provider is never local; remove `local`" : "a model server on a [hosts.*] entry is always local; remove `local`");
            }
            return kind != ServiceKind.OPENAI;
        }
        Optional<Boolean> local = t.bool("local");
        if (local.isEmpty() && !t.has("local")) {
            t.error(null, "a `compatible` provider must say whether it is local", "add local = true if it runs on hardware you control "
                    + "(prompts from local_only routes and keys may go there), or local = false for a hosted service");
        }
        return local.orElse(false);
    }

    /** The service's base URI: {@code url}, or {@code http://<host address>:<port>}, or the provider's public URL. */
    private static URI baseUri(ConfigTable t, ServiceKind kind, Optional<String> provider, Optional<Host> host,
            Optional<Integer> port, Optional<String> url) {
        if (url.isPresent()) {
            if (t.has("host") || t.has("port")) {
                t.error("url", "both `url` and `host`/`port` are set", "keep `url`, or `host` and `port`");
            }
            try {
                URI u = new URI(url.get());
                String scheme = kind == ServiceKind.TCP ? "tcp" : "http";
                if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https") || u.getScheme().equals(scheme)) || u.getHost() == null) {
                    t.error("url", "expected an http:// or https:// URL, found \"" + url.get() + "\"", "");
                }
                return u;
            } catch (URISyntaxException e) {
                t.error("url", "not a valid URL: " + e.getReason(), "");
                return URI.create("http://invalid");
            }
        }
        if (kind == ServiceKind.OPENAI && host.isEmpty() && !t.has("host")) {
            String publicUrl = PROVIDER_URLS.get(provider.orElse("openai"));
            if (publicUrl == null) {
                t.error(null, "a `compatible` provider needs `url` (or `host` and `port`)", "e.g. url = \"http://10.0.0.5:4000\"");
                return URI.create("http://invalid");
            }
            return URI.create(publicUrl);
        }
        if (!t.has("host")) {
            t.error(null, "missing `host` (or `url`)", "name a [hosts.*] entry with `host`, or give a full `url`");
        }
        int p = port.orElse(kind.defaultPort());
        if (kind == ServiceKind.TCP && port.isEmpty() && !t.has("port")) {
            t.error(null, "a tcp service needs `port`", "");
        }
        String address = host.map(Host::address).orElse("invalid");
        String hostPart = address.contains(":") ? "[" + address + "]" : address;
        return URI.create((kind == ServiceKind.TCP ? "tcp" : "http") + "://" + hostPart + ":" + p);
    }

    private static void checkName(ConfigTable t, String name) {
        if (!NAME.matcher(name).matches()) {
            t.problems().add(t.position(), t.path(), "\"" + name + "\" is not a valid name", "use " + NAME_RULE);
        }
    }
}
