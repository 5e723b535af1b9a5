package dev.sparkd.mcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import dev.sparkd.mcp.access.ApiKeys;
import dev.sparkd.daemon.boot.DaemonMain;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of the mcp-gateway daemon: validates sparkd.toml, prepares state and the database, then boots.
 * {@code mcp-gateway keys create <id>} prints a new API key and the {@code [mcp.keys.<id>]} table holding its hash;
 * {@code mcp-gateway keys hash} reads a key from standard input and prints its hash. Neither needs the config.
 */
@QuarkusMain
public final class McpGatewayMain {
    private McpGatewayMain() {
    }

    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("keys")) {
            System.exit(keys(args));
        }
        DaemonMain.run("mcp-gateway", args);
    }

    static int keys(String... args) {
        if (args.length == 3 && args[1].equals("create") && args[2].matches("[a-zA-Z0-9_-]{1,64}")) {
            String key = ApiKeys.generate();
            System.err.println("# the key, shown once — give it to the client (Authorization: Bearer <key>):");
            System.out.println(key);
            System.err.println("# add to sparkd.toml (only the hash), then restart sparkd-mcp-gateway:");
            System.err.println("[mcp.keys." + args[2] + "]");
            System.err.println("sha256 = \"" + ApiKeys.hashForConfig(key) + "\"");
            System.err.println("allow = [\"*\"]");
            return 0;
        }
        if (args.length == 2 && args[1].equals("hash")) {
            try {
                String key = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (key == null || key.isBlank()) {
                    System.err.println("mcp-gateway keys hash: no key on standard input");
                    return 2;
                }
                System.out.println(ApiKeys.hashForConfig(key.strip()));
                return 0;
            } catch (IOException e) {
                System.err.println("mcp-gateway keys hash: " + e.getMessage());
                return 1;
            }
        }
        System.err.println("usage: mcp-gateway keys create <id>    print a new key and its [mcp.keys.<id>] table\n"
                + "       mcp-gateway keys hash           read a key on stdin, print its sha256 for the config\n"
                + "List keys: the [mcp.keys.*] tables of sparkd.toml. Revoke: delete the table and restart the gateway.");
        return 2;
    }
}
