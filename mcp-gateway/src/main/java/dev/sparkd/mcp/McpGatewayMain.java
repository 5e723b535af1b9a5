package dev.sparkd.mcp;

import java.util.Arrays;

import dev.sparkd.daemon.boot.DaemonMain;
import dev.sparkd.mcp.access.KeysCommand;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of the mcp-gateway daemon: validates sparkd.toml, prepares state and the database, then boots.
 * {@code mcp-gateway keys …} manages API keys instead ({@link KeysCommand}) and needs no config.
 */
@QuarkusMain
public final class McpGatewayMain {
    private McpGatewayMain() {
    }

    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("keys")) {
            System.exit(KeysCommand.commandLine(System.in).execute(Arrays.copyOfRange(args, 1, args.length)));
        }
        DaemonMain.run("mcp-gateway", args);
    }
}
