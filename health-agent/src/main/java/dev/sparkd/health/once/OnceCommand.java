package dev.sparkd.health.once;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkd.health.config.CommandConfig;
import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.fleet.Fleet;
import dev.sparkd.health.fleet.FleetEvents;
import dev.sparkd.health.fleet.ServiceStatus;
import dev.sparkd.health.handshake.Handshake;
import dev.sparkd.core.config.SuiteConfig;
import io.vertx.core.VertxOptions;
import io.vertx.mutiny.core.Vertx;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One-shot checks for systemd timers and scripts, without starting the daemon or its database:
 * <ul>
 *   <li>{@code health-agent --once [--config FILE]} probes every service once, concurrently;</li>
 *   <li>{@code health-agent status [--url http://127.0.0.1:8471]} asks a running agent (what {@code ./sparkd status} runs).</li>
 * </ul>
 * Both print a table (service, state, reason, latency) and exit 0 when every service is UP or DEGRADED, 1 when
 * something is LOADING or DOWN (or the agent cannot be reached), 2 when the configuration is invalid. Arguments meant
 * for the daemon are tolerated, as before.
 */
@Command(name = "health-agent", subcommands = OnceCommand.Status.class,
        description = "Probes every service once (--once), or asks a running agent (status).")
public final class OnceCommand implements Callable<Integer> {
    public static final int OK = 0;
    public static final int PROBLEM = 1;
    public static final int CONFIG = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--once", description = "probe every declared service once and exit")
    boolean once;

    @Option(names = "--config", paramLabel = "FILE", description = "sparkd.toml (default: $SPARKD_CONFIG, then the system file)")
    Path config;

    @Option(names = "--url", paramLabel = "URL", description = "ask the agent at URL instead of probing")
    String url;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    private OnceCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** Whether these arguments ask for a one-shot run rather than the daemon. */
    public static boolean wanted(String... args) {
        return List.of(args).contains("--once") || (args.length > 0 && args[0].equals("status"));
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        OnceCommand command = new OnceCommand(env, out, err);
        CommandLine line = new CommandLine(command, new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == Status.class ? type.cast(new Status(command)) : CommandLine.defaultFactory().create(type);
            }
        });
        line.setUnmatchedArgumentsAllowed(true)
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .setParameterExceptionHandler((e, a) -> {
                    err.println("health-agent: " + e.getMessage());
                    return CONFIG;
                });
        return line.execute(args);
    }

    @Override
    public Integer call() {
        if (url != null) {
            return status(url, out, err);
        }
        Optional<CommandConfig> loaded = CommandConfig.load(config, env, "health-agent", err);
        if (loaded.isEmpty()) {
            return CONFIG;
        }
        SuiteConfig suite = loaded.get().suite();
        HealthSettings settings = loaded.get().settings();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        // No CDI here: the one-shot run builds the few objects it needs by hand, and reports no events.
        try (Handshake handshake = new Handshake(vertx.getDelegate(), settings);
                Fleet fleet = new Fleet(vertx, suite, settings, handshake, FleetEvents.NONE, s -> Optional.empty(), Instant.EPOCH)) {
            List<ServiceStatus> statuses = fleet.probeAll().await().atMost(settings.timeout().multipliedBy(3).plusSeconds(5));
            List<Row> rows = statuses.stream().map(s -> new Row(s.name(), s.state(), s.reason(), s.latencyMs())).toList();
            print(rows, out);
            return rows.stream().allMatch(Row::available) ? OK : PROBLEM;
        } finally {
            vertx.closeAndAwait();
        }
    }

    /** {@code status [--url URL]}: the table from a running agent. */
    @Command(name = "status", description = "Asks a running agent for every service's state.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8471", description = "the agent (default: ${DEFAULT-VALUE})")
        String url;

        private final OnceCommand parent;

        Status(OnceCommand parent) {
            this.parent = parent;
        }

        @Override
        public Integer call() {
            return status(url, parent.out, parent.err);
        }
    }

    static int status(String base, PrintStream out, PrintStream err) {
        String url = base.replaceAll("/+$", "") + "/api/v1/services";
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> resp = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                err.println("health-agent: " + url + " answered " + resp.statusCode());
                return PROBLEM;
            }
            List<Row> rows = new ArrayList<>();
            for (JsonNode s : JSON.readTree(resp.body()).path("services")) {
                rows.add(new Row(s.path("name").asText(), s.path("state").asText(), s.path("reason").asText(null),
                        s.hasNonNull("latency_ms") ? s.get("latency_ms").asDouble() : null));
            }
            print(rows, out);
            return rows.stream().allMatch(Row::available) ? OK : PROBLEM;
        } catch (Exception e) {
            err.println("health-agent: cannot reach the agent at " + url + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ") — is sparkd-health-agent running?");
            return PROBLEM;
        }
    }

    record Row(String service, String state, String reason, Double latencyMs) {
        boolean available() {
            return "UP".equals(state) || "DEGRADED".equals(state);
        }
    }

    static void print(List<Row> rows, PrintStream out) {
        int w1 = Math.max(7, rows.stream().mapToInt(r -> r.service().length()).max().orElse(0));
        int w2 = 8;
        out.printf(Locale.ROOT, "%-" + w1 + "s  %-" + w2 + "s  %9s  %s%n", "SERVICE", "STATE", "LATENCY", "REASON");
        for (Row r : rows) {
            String latency = r.latencyMs() == null ? "-" : r.latencyMs() < 1000 ? String.format(Locale.ROOT, "%.0fms", r.latencyMs())
                    : String.format(Locale.ROOT, "%.1fs", r.latencyMs() / 1000);
            out.printf(Locale.ROOT, "%-" + w1 + "s  %-" + w2 + "s  %9s  %s%n", r.service(), r.state(), latency,
                    r.reason() == null ? "" : r.reason());
        }
    }
}
