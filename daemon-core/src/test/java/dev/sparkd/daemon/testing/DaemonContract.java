package dev.sparkd.daemon.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.daemon.edge.AdminToken;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;

/**
 * What every sparkd daemon promises over HTTP, asserted once and run by each daemon's {@code @QuarkusTest}
 * (a subclass annotated with {@code @QuarkusTest} and {@code @QuarkusTestResource(EmbeddedPostgresTestResource.class)}).
 * The daemons boot from {@code daemon-core/src/test/resources/sparkd-test.toml}.
 */
public abstract class DaemonContract {
    static final Path SECRET_FILE = Path.of("../daemon-core/src/test/resources/secrets/cloud-api-key");
    static final Path LOG = Path.of("target/quarkus-test.log");

    @Inject
    protected SuiteConfig suiteConfig;

    private final String daemon;

    /** @param daemon the daemon's name, as {@code /api/v1/info} reports it */
    protected DaemonContract(String daemon) {
        this.daemon = daemon;
    }

    /** One request: method, path and JSON body (null for none). */
    protected record Call(String method, String path, String body) {
        public static Call get(String path) {
            return new Call("GET", path, null);
        }

        public static Call post(String path, String body) {
            return new Call("POST", path, body);
        }

        public static Call delete(String path) {
            return new Call("DELETE", path, null);
        }

        Response send(RequestSpecification spec) {
            if (body != null) {
                spec = spec.body(body);
            }
            return spec.request(method, path);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /**
     * The daemon's routes that change state or show usage/audit data: each must answer 401 without the admin token
     * and do its work with it. {@code GET /api/v1/info} is checked for every daemon.
     */
    protected List<Call> adminCalls() {
        return List.of();
    }

    /** The daemon's other routes (a sample of each kind), which the Host, Origin and content-type rules also cover. */
    protected List<Call> openCalls() {
        return List.of();
    }

    /** {@code Authorization} header value carrying this install's admin token, as the CLIs send it. */
    protected String admin() {
        return "Bearer " + AdminToken.read(suiteConfig);
    }

    private List<Call> everyCall() {
        List<Call> all = new ArrayList<>(List.of(Call.get("/api/v1/info"), Call.get("/q/health/live"), Call.get("/q/metrics")));
        all.addAll(adminCalls());
        all.addAll(openCalls());
        return all;
    }

    private static RequestSpecification json() {
        return given().contentType("application/json");
    }

    @Test
    void dnsRebindingHostIsRefusedOnEveryRoute() {
        for (Call call : everyCall()) {
            for (String host : new String[] {"rebind.attacker.example", "rebind.attacker.example:8470", "localhost.attacker.example"}) {
                call.send(json().header("Host", host).header("Authorization", admin())).then().statusCode(421)
                        .body("error.type", equalTo("misdirected_request"))
                        .body("error.hint", containsString("allowed_hosts"))
                        .body("error.request_id", notNullValue());
            }
        }
        for (String host : new String[] {"localhost", "127.0.0.1", "[::1]", "LOCALHOST:1"}) {
            given().header("Host", host).get("/q/health/live").then().statusCode(200);
        }
    }

    @Test
    void foreignOriginIs403OnEveryRouteEvenWithTheAdminToken() {
        for (Call call : everyCall()) {
            for (String origin : new String[] {"https://evil.example", "null", "http://localhost.evil.example"}) {
                call.send(json().header("Origin", origin).header("Authorization", admin())).then().statusCode(403)
                        .body("error.type", equalTo("forbidden_origin"))
                        .body("error.hint", containsString("allowed_origins"));
            }
        }
        // the daemon's own pages (the health-agent's status page) are same-origin
        int port = ConfigProvider.getConfig().getValue("quarkus.http.port", Integer.class);
        given().header("Host", "127.0.0.1:" + port).header("Origin", "http://127.0.0.1:" + port).header("Authorization", admin())
                .get("/api/v1/info").then().statusCode(200);
    }

    @Test
    void bodiesThatAreNotJsonAre415() {
        List<Call> posts = new ArrayList<>(List.of(Call.post("/api/v1/info", "{}")));
        everyCall().stream().filter(c -> c.body() != null).forEach(posts::add);
        for (Call call : posts) {
            for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "application/xml"}) {
                call.send(given().header("Authorization", admin()).contentType(type).body("{\"name\":\"x\"}")).then()
                        .statusCode(415).body("error.type", equalTo("unsupported_media_type"));
            }
        }
    }

    @Test
    void adminRoutesNeedTheAdminTokenAndWorkWithIt() {
        List<Call> calls = new ArrayList<>(List.of(Call.get("/api/v1/info")));
        calls.addAll(adminCalls());
        for (Call call : calls) {
            for (String wrong : new String[] {null, "Bearer wrong", "Bearer ", "Basic " + admin().substring(7), admin() + "x"}) {
                RequestSpecification spec = json();
                if (wrong != null) {
                    spec = spec.header("Authorization", wrong);
                }
                call.send(spec).then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"))
                        .body("error.type", equalTo("unauthorized"))
                        .body("error.hint", containsString("admin-token"));
            }
            int status = call.send(json().header("Authorization", admin())).statusCode();
            assertThat(status).as(call + " with the admin token").isNotIn(401, 403, 415, 421).isLessThan(500);
        }
    }

    @Test
    void theAdminTokenFileIsPrivate() throws IOException {
        Path file = suiteConfig.suite().adminTokenFile();
        assertThat(Files.getPosixFilePermissions(file)).as(file.toString())
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void refusalsAreCountedAndDocumented() throws IOException {
        double before = rejected("host");
        given().header("Host", "rebind.attacker.example").get("/q/health/live").then().statusCode(421);
        assertThat(rejected("host")).isEqualTo(before + 1);

        String doc = Files.readString(Path.of("../docs/metrics.md"));
        String section = doc.substring(doc.indexOf("\n## every daemon") + 1);
        section = section.substring(0, section.indexOf("\n## ", 3));
        Set<String> documented = new TreeSet<>();
        Matcher d = Pattern.compile("^\\| `(sparkd_http_[a-z0-9_]+)` \\|", Pattern.MULTILINE).matcher(section);
        while (d.find()) {
            documented.add(d.group(1));
        }
        Set<String> exported = new TreeSet<>();
        Matcher e = Pattern.compile("^(sparkd_http_[a-z0-9_]+?)(_total|_created)?\\{", Pattern.MULTILINE).matcher(metrics());
        while (e.find()) {
            exported.add(e.group(1) + ("_total".equals(e.group(2)) ? "_total" : ""));
        }
        assertThat(exported).as("sparkd_http_ metrics in /q/metrics and in docs/metrics.md (## every daemon)").isEqualTo(documented).isNotEmpty();
    }

    private double rejected(String reason) {
        Matcher m = Pattern.compile("^sparkd_http_rejected_total\\{reason=\"" + reason + "\",?\\} ([0-9.eE+-]+)", Pattern.MULTILINE).matcher(metrics());
        assertThat(m.find()).as("sparkd_http_rejected_total{reason=" + reason + "}").isTrue();
        return Double.parseDouble(m.group(1));
    }

    private String metrics() {
        return given().accept("text/plain").header("Authorization", admin()).get("/q/metrics").then().statusCode(200).extract().asString();
    }

    @Test
    void liveAndReady() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsInPrometheusTextFormat() {
        // Prometheus asks for text/plain or OpenMetrics; both carry the same families.
        given().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .header("Content-Type", containsString("text/plain"))
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
    }

    @Test
    void infoDescribesThisDaemonAndItsConfig() {
        given().header("Authorization", admin()).get("/api/v1/info").then().statusCode(200)
                .body("daemon", equalTo(daemon))
                .body("suite", equalTo("test-lab"))
                .body("database", equalTo("embedded"))
                .body("started_at", notNullValue())
                .body("starts_last_24h", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                .body("services.name", hasItems("ollama-1", "vllm-1", "cloud"))
                .body("hosts[0].gpu", equalTo("gb10"));
    }

    @Test
    void requestIdIsEchoedOrGenerated() {
        given().header("X-Request-Id", "abc-123").header("Authorization", admin()).get("/api/v1/info").then().header("X-Request-Id", "abc-123");
        given().get("/api/v1/info").then().statusCode(401).header("X-Request-Id", notNullValue());
        given().header("X-Request-Id", "bad id with spaces\tand tabs").header("Authorization", admin()).get("/api/v1/info")
                .then().header("X-Request-Id", not(containsString(" ")));
    }

    @Test
    void errorsUseTheSharedJsonShape() {
        given().header("X-Request-Id", "req-404").get("/api/v1/no-such-thing").then().statusCode(404)
                .body("error.type", equalTo("not_found"))
                .body("error.request_id", equalTo("req-404"));
    }

    @Test
    void noSecretInAnyAnswerOrLogLine() throws IOException {
        String apiKey = Files.readString(SECRET_FILE).strip();
        String dbPassword = ConfigProvider.getConfig().getValue("quarkus.datasource.password", String.class);
        assertThat(dbPassword).isNotBlank();
        for (String path : new String[] {"/api/v1/info", "/q/metrics", "/q/health", "/api/v1/no-such-thing"}) {
            String body = given().header("Authorization", admin()).get(path).then().extract().asString();
            assertThat(body).as(path).doesNotContain(apiKey).doesNotContain(dbPassword);
        }
        assertThat(LOG).as("the test log file").exists();
        String log = Files.readString(LOG);
        assertThat(log).as("the log shows the daemon started").contains("started in");
        assertThat(log).doesNotContain(apiKey).doesNotContain(dbPassword).doesNotContain(admin().substring(7));
    }
}
