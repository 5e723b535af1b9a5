package dev.sparkd.mcp;

import java.util.List;

import dev.sparkd.daemon.testing.DaemonContract;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The mcp-gateway keeps the contract every sparkd daemon keeps. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(McpFixtures.class)
class McpGatewayDaemonTest extends DaemonContract {
    McpGatewayDaemonTest() {
        super("mcp-gateway");
    }

    @Override
    protected List<Call> adminCalls() {
        return List.of(Call.get("/api/v1/audit"));
    }

    @Override
    protected List<Call> openCalls() {
        // /mcp answers 401 without an MCP key; the edge's rules apply before that
        return List.of(Call.get("/api/v1/servers"), Call.post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"));
    }
}
