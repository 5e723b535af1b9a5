package dev.sparkd.mcp;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What a stdio upstream prints is read with a bound: a 64 MB tool result, and 64 MB printed without a newline before
 * an answer (on main a 16 MB result ran the gateway's 64 MB heap out and ended every session), each cost the caller a
 * JSON-RPC error "result too large" at once, while the gateway and the upstream process keep serving.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(McpFixtures.class)
class McpLimitsTest {
    static final int SIXTY_FOUR_MB = 64 * 1000 * 1000;

    @TestHTTPResource("/")
    URL base;

    private final List<McpSyncClient> clients = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(McpSyncClient::closeGracefully);
        clients.clear();
    }

    McpSyncClient client() {
        var transport = HttpClientStreamableHttpTransport.builder(base.toString().replaceAll("/$", "")).endpoint("/mcp")
                .httpRequestCustomizer((b, method, uri, body, ctx) -> b.setHeader("Authorization", "Bearer " + McpGatewayTest.ALL))
                .build();
        McpSyncClient c = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
        c.initialize();
        clients.add(c);
        return c;
    }

    static int restarts() {
        return given().get("/api/v1/servers/dynamic").then().statusCode(200).extract().path("restarts");
    }

    void assertTooLargeAndStillServing(String tool) {
        McpGatewayTest.awaitReady("dynamic");
        int restarts = restarts();
        McpSyncClient c = client();

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> c.callTool(new McpSchema.CallToolRequest(tool, Map.of("bytes", SIXTY_FOUR_MB))))
                .isInstanceOf(McpError.class).hasMessageContaining("result too large").hasMessageContaining("max_result_size");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("answered when the line ended, not after a timeout")
                .isLessThan(Duration.ofSeconds(20));

        // the same session, the same upstream process: both still serve
        McpSchema.CallToolResult small = c.callTool(new McpSchema.CallToolRequest("dynamic__big_result", Map.of("bytes", 1000)));
        assertThat(McpGatewayTest.text(small)).hasSize(1000);
        assertThat(restarts()).isEqualTo(restarts);
        assertThat(McpGatewayTest.text(client().callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", "hi")))))
                .contains("hi");
    }

    @Test
    void a64MegabyteToolResultIsAnErrorToTheCaller() {
        assertTooLargeAndStillServing("dynamic__big_result");
    }

    @Test
    void a64MegabyteLineWithoutNewlineIsAnErrorToTheCaller() {
        assertTooLargeAndStillServing("dynamic__runaway_line");
    }
}
