package dev.sparkd.mcp;

import dev.sparkd.services.daemon.DaemonMain;
import io.quarkus.runtime.annotations.QuarkusMain;

/** Entry point of the mcp-gateway daemon: validates sparkd.toml, prepares state and the database, then boots. */
@QuarkusMain
public final class McpGatewayMain {
    private McpGatewayMain() {
    }

    public static void main(String... args) {
        DaemonMain.run("mcp-gateway", args);
    }
}
