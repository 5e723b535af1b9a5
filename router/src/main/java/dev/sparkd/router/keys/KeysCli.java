package dev.sparkd.router.keys;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.ConfigLocation;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.daemon.edge.AdminToken;
import dev.sparkd.router.config.RouterSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code router keys create|list|revoke}: talks to the running router's admin API ({@link KeysResource}) with the
 * admin token it reads from the state directory (or {@code [suite] admin_token_file}/{@code _env}), so nobody types it.
 */
@Command(name = "router keys", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "(create | list | revoke)",
        description = "Manages the router's API keys through the running daemon's loopback admin API.")
public final class KeysCli implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the admin API is and its token, when not read from the config (tests). */
    private final URI adminUri;
    private final String adminToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Spec
    CommandSpec spec;

    KeysCli(URI adminUri, String adminToken) {
        this.adminUri = adminUri;
        this.adminToken = adminToken;
    }

    /** Runs {@code args} (after {@code keys}) and returns the exit code: 0 done, 1 refused or unreachable, 2 usage. */
    public static int run(String... args) {
        return new CommandLine(new KeysCli(null, null)).execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: create, list or revoke");
    }

    @Command(name = "create", description = "Creates a key and prints it, once.")
    int create(@Parameters(paramLabel = "NAME", description = "letters, digits, . _ @ -") String name,
            @Option(names = "--routes", split = ",", paramLabel = "ROUTE", description = "routes it may use (default: all)") List<String> routes,
            @Option(names = "--rpm", paramLabel = "N", description = "requests per minute; bursts up to N (default: no limit)") Integer rpm,
            @Option(names = "--daily", paramLabel = "USD", description = "daily cloud budget") Double daily,
            @Option(names = "--monthly", paramLabel = "USD", description = "monthly cloud budget") Double monthly,
            @Option(names = "--local-only", description = "its requests never reach a cloud target") boolean localOnly,
            @Option(names = "--config", paramLabel = "FILE") Path config) throws IOException, InterruptedException {
        String body = createBody(name, routes, rpm, daily, monthly, localOnly);
        int code = send(config, "", b -> b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        if (code == 0) {
            spec.commandLine().getErr().println("the key is shown once; store it now");
        }
        return code;
    }

    @Command(name = "list", description = "Lists the keys (never their secrets).")
    int list(@Option(names = "--config", paramLabel = "FILE") Path config) throws IOException, InterruptedException {
        return send(config, "", HttpRequest.Builder::GET);
    }

    @Command(name = "revoke", description = "Revokes a key at once.")
    int revoke(@Parameters(paramLabel = "ID") String id, @Option(names = "--config", paramLabel = "FILE") Path config)
            throws IOException, InterruptedException {
        return send(config, "/" + id, HttpRequest.Builder::DELETE);
    }

    /** The body of {@code POST /api/v1/keys}; only what was given, so the daemon's defaults apply to the rest. */
    static String createBody(String name, List<String> routes, Integer rpm, Double daily, Double monthly, boolean localOnly) {
        ObjectNode body = JSON.createObjectNode().put("name", name);
        if (routes != null) {
            routes.stream().map(String::trim).filter(r -> !r.isEmpty()).forEach(body.withArray("routes")::add);
        }
        if (rpm != null) {
            body.put("rpm", rpm);
        }
        if (daily != null) {
            body.put("daily_usd", daily);
        }
        if (monthly != null) {
            body.put("monthly_usd", monthly);
        }
        if (localOnly) {
            body.put("local_only", true);
        }
        return body.toString();
    }

    /** Sends one request to {@code /api/v1/keys<suffix>} with the admin token; 1 when the token cannot be read. */
    private int send(Path config, String suffix, UnaryOperator<HttpRequest.Builder> method) throws IOException, InterruptedException {
        URI base = adminUri;
        String token = adminToken;
        if (base == null) {
            String[] args = config == null ? new String[0] : new String[] { "--config", config.toString() };
            SuiteConfig suite = ConfigLoader.load(ConfigLocation.resolve(args, System.getenv()));
            base = URI.create("http://127.0.0.1:" + suite.section(RouterSettings.class).listen().port());
            try {
                token = AdminToken.read(suite);
            } catch (IllegalStateException e) {
                spec.commandLine().getErr().println("router keys: " + e.getMessage());
                return 1;
            }
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve("/api/v1/keys" + suffix));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return send(method.apply(builder).build());
    }

    private int send(HttpRequest request) throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            spec.commandLine().getErr().println("router keys: the router is not running on " + request.uri().getAuthority()
                    + " — start it first (systemctl start sparkd-router)");
            return 1;
        }
        out.println(response.body());
        out.flush();
        return response.statusCode() < 300 ? 0 : 1;
    }
}
