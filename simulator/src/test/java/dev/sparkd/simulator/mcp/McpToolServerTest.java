package dev.sparkd.simulator.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The simulated MCP tool server speaks newline-delimited JSON-RPC as the MCP lifecycle and tools specs say. */
class McpToolServerTest {
    private final ObjectMapper json = new ObjectMapper();
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-04T12:00:00Z"), ZoneOffset.UTC);

    private List<JsonNode> exchange(String... lines) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new McpToolServer(clock).serve(new ByteArrayInputStream((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)), out);
        return out.toString(StandardCharsets.UTF_8).lines().map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("not JSON on stdout: " + l, e);
            }
        }).toList();
    }

    @Test
    void handshakeListAndCallsAnswerInOrderAndNotificationsGetNoReply() throws Exception {
        List<JsonNode> replies = exchange(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"c\",\"method\":\"tools/call\",\"params\":{\"name\":\"add\",\"arguments\":{\"a\":2,\"b\":40.5}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"utc_now\",\"arguments\":{}}}");
        assertThat(replies).hasSize(5);
        assertThat(replies.get(0).at("/result/protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(replies.get(0).at("/result/capabilities/tools").isObject()).isTrue();
        assertThat(replies.get(1).at("/result/tools").findValuesAsText("name")).containsExactly("echo", "add", "utc_now");
        assertThat(replies.get(2).get("id").asText()).isEqualTo("c");
        assertThat(replies.get(2).at("/result/content/0/text").asText()).isEqualTo("42.5");
        assertThat(replies.get(3).at("/result/content/0/text").asText()).isEqualTo("hi");
        assertThat(replies.get(4).at("/result/content/0/text").asText()).isEqualTo("2026-12-04T12:00:00Z");
    }

    @Test
    void anUnknownVersionGetsTheLatestAndErrorsAreJsonRpcErrorsOrToolErrors() throws Exception {
        List<JsonNode> replies = exchange(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"1999-01-01\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/list\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"nope\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"add\",\"arguments\":{\"a\":\"x\",\"b\":1}}}",
                "not json");
        assertThat(replies.get(0).at("/result/protocolVersion").asText()).isEqualTo(McpToolServer.LATEST);
        assertThat(replies.get(1).at("/error/code").asInt()).isEqualTo(-32601);
        assertThat(replies.get(2).at("/error/code").asInt()).isEqualTo(-32602);
        assertThat(replies.get(3).at("/result/isError").asBoolean()).isTrue();
        assertThat(replies.get(4).at("/error/code").asInt()).isEqualTo(-32700);
    }
}
