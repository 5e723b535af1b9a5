package dev.sparkd.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BackendHttpTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static Vertx vertx;
    private static TestHttpServer server;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        server = TestHttpServer.start(vertx.getDelegate());
        server.on("GET", "/health", (req, resp) -> resp.end("ok"));
        server.on("GET", "/v1/models", (req, resp) -> resp.end("{\"data\":[]}"));
        server.on("GET", "/hang", (req, resp) -> { });
    }

    @AfterAll
    static void stop() {
        server.close();
        vertx.closeAndAwait();
    }

    @Test
    void emptyPathMeansTheBaseUriAsWrittenAndTheBaseQueryApplies() {
        try (BackendHttp http = new BackendHttp(vertx, URI.create("http://127.0.0.1:1/status/?probe=1"), WAIT)) {
            assertThat(http.uri("")).isEqualTo("/status/?probe=1");
            assertThat(http.uri("/health")).isEqualTo("/status/health?probe=1");
            assertThat(http.uri("/health?x=2")).isEqualTo("/status/health?x=2");
        }
        try (BackendHttp http = new BackendHttp(vertx, URI.create("http://127.0.0.1:1"), WAIT)) {
            assertThat(http.uri("")).isEqualTo("/");
        }
    }

    @Test
    void clientsOverASharedPoolLeaveItOpenWhenClosed() {
        HttpClient pool = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
        try {
            BackendHttp first = BackendHttp.over(vertx, pool, server.uri(), WAIT);
            BackendHttp second = BackendHttp.over(vertx, pool, URI.create(server.uri() + "/v1"), WAIT);
            BackendResponse health = first.call(BackendRequest.get("/health"), WAIT).await().atMost(WAIT);
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.text()).isEqualTo("ok");
            assertThat(health.elapsed()).isPositive().isLessThan(WAIT);
            assertThat(health.certificateExpiry()).as("plain HTTP has no certificate").isNull();
            first.close();
            assertThat(second.call(BackendRequest.get("/models"), WAIT).await().atMost(WAIT).text()).isEqualTo("{\"data\":[]}");
        } finally {
            pool.closeAndAwait();
        }
    }

    @Test
    void theDeadlineCoversTheWholeExchange() {
        try (BackendHttp http = new BackendHttp(vertx, server.uri(), WAIT)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> http.call(BackendRequest.get("/hang"), Duration.ofMillis(300)).await().atMost(WAIT))
                    .isInstanceOfSatisfying(UpstreamException.class, e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.TIMEOUT));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }
}
