package dev.sparkd.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.mcp.config.McpSchema;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Sessions are bounded per key: on main 500 initialize calls with a 5/m key opened 500 sessions, each kept for 30
 * minutes. Now initialize is held to the key's rate, a key's open sessions are capped, idle ones close after minutes,
 * and the legacy HTTP+SSE transport (whose session ids escape the key binding) is not served.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(McpFixtures.class)
class McpSessionsTest {
    static final String SESSIONS = "sk-mcp-test-sessions";
    static final String MANY = "sk-mcp-test-many";
    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
            + "\"capabilities\":{},\"clientInfo\":{\"name\":\"sessions-test\",\"version\":\"1\"}}}";

    @TestHTTPResource("/mcp")
    URL mcp;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    HttpRequest.Builder request(String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(mcp.toString())).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream");
        return key == null ? b : b.header("Authorization", "Bearer " + key);
    }

    CompletableFuture<HttpResponse<String>> initialize(String key) {
        return http.sendAsync(request(key).POST(HttpRequest.BodyPublishers.ofString(INITIALIZE)).build(), HttpResponse.BodyHandlers.ofString());
    }

    void close(String key, String session) throws Exception {
        http.send(request(key).header("Mcp-Session-Id", session).DELETE().build(), HttpResponse.BodyHandlers.discarding());
    }

    @Test
    void threeThousandInitializeCallsWithA5PerMinuteKeyOpenFiveSessions() throws Exception {
        Semaphore inFlight = new Semaphore(32);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        Set<String> opened = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<?>> all = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < 3000; i++) {
            inFlight.acquire();
            all.add(initialize(SESSIONS).whenComplete((r, e) -> {
                inFlight.release();
                if (e != null) {
                    other.incrementAndGet();
                } else if (r.statusCode() == 200) {
                    ok.incrementAndGet();
                    r.headers().firstValue("Mcp-Session-Id").ifPresent(opened::add);
                } else if (r.statusCode() == 429 && r.body().contains("may open sessions at 5/m")) {
                    refused.incrementAndGet();
                } else {
                    other.incrementAndGet();
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        long seconds = Duration.ofNanos(System.nanoTime() - t0).toSeconds();

        // a burst of 5, then one every 12 s
        int allowed = 5 + (int) (seconds / 12);
        assertThat(other.get()).isZero();
        assertThat(ok.get()).isBetween(5, allowed);
        assertThat(refused.get()).isEqualTo(3000 - ok.get());
        assertThat(opened).hasSize(ok.get());
        for (String s : opened) {
            close(SESSIONS, s);
        }
    }

    @Test
    void aKeysOpenSessionsAreCappedAndClosingOneMakesRoom() throws Exception {
        int cap = 40; // max_sessions_per_key in mcp-test.toml
        List<String> opened = new ArrayList<>();
        for (int i = 0; i < cap; i++) {
            HttpResponse<String> r = initialize(MANY).join();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            opened.add(r.headers().firstValue("Mcp-Session-Id").orElseThrow());
        }
        HttpResponse<String> over = initialize(MANY).join();
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.body()).contains("Too Many Sessions", "max_sessions_per_key");

        close(MANY, opened.remove(0));
        HttpResponse<String> again = initialize(MANY).join();
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        opened.add(again.headers().firstValue("Mcp-Session-Id").orElseThrow());
        for (String s : opened) {
            close(MANY, s);
        }
    }

    @Test
    void anUnauthenticatedInitializeOpensNoSession() {
        HttpResponse<String> r = initialize(null).join();
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Mcp-Session-Id")).isEmpty();
    }

    @Test
    void theLegacySseTransportIsNotServed() throws Exception {
        HttpResponse<String> sse = http.send(HttpRequest.newBuilder(URI.create(mcp + "/sse")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + McpGatewayTest.ALL).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sse.statusCode()).isEqualTo(404);
        assertThat(sse.body()).contains("Streamable HTTP");
        HttpResponse<String> messages = http.send(request(McpGatewayTest.ALL).uri(URI.create(mcp + "/messages/abc"))
                .POST(HttpRequest.BodyPublishers.ofString(INITIALIZE)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(messages.statusCode()).isEqualTo(404);
    }

    @Test
    void idleSessionsCloseAfterMinutesNotHalfAnHour() {
        Duration idle = ConfigProvider.getConfig().getValue("quarkus.mcp.server.connection-idle-timeout", Duration.class);
        assertThat(idle).isEqualTo(McpSchema.DEFAULT_SESSION_IDLE_TIMEOUT).isEqualTo(Duration.ofMinutes(5));
    }
}
