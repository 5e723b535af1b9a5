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

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * What every sparkd daemon promises over HTTP, asserted once and run by each daemon's {@code @QuarkusTest}
 * (a subclass annotated with {@code @QuarkusTest} and {@code @QuarkusTestResource(EmbeddedPostgresTestResource.class)}).
 * The daemons boot from {@code daemon-core/src/test/resources/sparkd-test.toml}.
 */
public abstract class DaemonContract {
    static final Path SECRET_FILE = Path.of("../daemon-core/src/test/resources/secrets/cloud-api-key");
    static final Path LOG = Path.of("target/quarkus-test.log");

    protected abstract String daemon();

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
        given().get("/api/v1/info").then().statusCode(200)
                .body("daemon", equalTo(daemon()))
                .body("suite", equalTo("test-lab"))
                .body("database", equalTo("embedded"))
                .body("started_at", notNullValue())
                .body("starts_last_24h", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                .body("services.name", hasItems("ollama-1", "vllm-1", "cloud"))
                .body("hosts[0].gpu", equalTo("gb10"));
    }

    @Test
    void requestIdIsEchoedOrGenerated() {
        given().header("X-Request-Id", "abc-123").get("/api/v1/info").then().header("X-Request-Id", "abc-123");
        given().get("/api/v1/info").then().header("X-Request-Id", notNullValue());
        given().header("X-Request-Id", "bad id with spaces\tand tabs").get("/api/v1/info")
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
            String body = given().get(path).then().extract().asString();
            assertThat(body).as(path).doesNotContain(apiKey).doesNotContain(dbPassword);
        }
        assertThat(LOG).as("the test log file").exists();
        String log = Files.readString(LOG);
        assertThat(log).as("the log shows the daemon started").contains("started in");
        assertThat(log).doesNotContain(apiKey).doesNotContain(dbPassword);
    }
}
