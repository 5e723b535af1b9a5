package dev.sparkd.mcp.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;

/** The answer given in place of a message too large to read names the request it answered, wherever its id stood. */
class StdioTransportTest {
    final StdioTransport transport = new StdioTransport("big", List.of("true"), Map.of(), Optional.empty(), McpJsonDefaults.getMapper(),
            exit -> { }, 1024);

    static McpSchema.JSONRPCResponse response(McpSchema.JSONRPCMessage m) {
        assertThat(m).isInstanceOf(McpSchema.JSONRPCResponse.class);
        return (McpSchema.JSONRPCResponse) m;
    }

    @Test
    void anIdBeforeTheResultIsFound() {
        // Python SDK order
        var r = response(transport.tooLarge(5_000_000, "{\"jsonrpc\":\"2.0\",\"id\":\"a1-7\",\"result\":{\"content\":[{\"type\":\"text\",\"id\":9",
                "xxxx\"}]}}"));
        assertThat(r.id()).isEqualTo("a1-7");
        assertThat(r.error().code()).isEqualTo(McpSchema.ErrorCodes.INTERNAL_ERROR);
        assertThat(r.error().message()).startsWith("result too large: upstream big answered with 5000000 bytes").contains("1024");
    }

    @Test
    void anIdAfterTheResultIsFound() {
        // TypeScript SDK order: {result, jsonrpc, id}; an "id" inside the result is not taken for it
        var r = response(transport.tooLarge(5_000_000, "{\"result\":{\"content\":[{\"type\":\"text\",\"id\":9,\"text\":\"xx",
                "xxxx\"}]},\"jsonrpc\":\"2.0\",\"id\":42}"));
        assertThat(r.id()).isIn(42, 42L);
    }

    @Test
    void withoutAnIdNobodyCanBeTold() {
        assertThat(transport.tooLarge(5_000_000, "xxxxxxxx", "xxxxxxxx")).isNull();
    }
}
