package dev.sparkd.mcp.access;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mcp-gateway keys create <id>} prints a new API key (stdout) and the {@code [mcp.keys.<id>]} table holding its
 * hash (stderr); {@code mcp-gateway keys hash} reads a key from standard input and prints its hash. Neither needs the
 * config. Exit 0 done (or {@code --help}), 1 could not read standard input, 2 usage.
 */
@Command(name = "mcp-gateway keys", description = "Create API keys for the gateway, or hash existing ones.",
        footer = "%nList keys: the [mcp.keys.*] tables of sparkd.toml. Revoke: delete the table and restart the gateway.")
public final class KeysCommand implements Callable<Integer> {
    static final String ID = "[a-zA-Z0-9_-]{1,64}";

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** The command line for {@code args} after {@code keys}; {@code stdin} is where {@code hash} reads the key. */
    public static CommandLine commandLine(InputStream stdin) {
        return new CommandLine(new KeysCommand()).addSubcommand(new Create()).addSubcommand(new Hash(stdin));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    @Command(name = "create", description = "Print a new key and its [mcp.keys.<id>] table.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Parameters(paramLabel = "<id>", description = "1-64 letters, digits, '_' or '-'; the id the audit log shows")
        String id;

        @Override
        public Integer call() {
            if (!id.matches(ID)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "key id \"" + id + "\" must be 1-64 letters, digits, '_' or '-'");
            }
            String key = ApiKeys.generate();
            PrintWriter err = spec.commandLine().getErr();
            err.println("# the key, shown once — give it to the client (Authorization: Bearer <key>):");
            err.flush();
            spec.commandLine().getOut().println(key);
            spec.commandLine().getOut().flush();
            err.println("# add to sparkd.toml (only the hash), then restart sparkd-mcp-gateway:");
            err.println("[mcp.keys." + id + "]");
            err.println("sha256 = \"" + ApiKeys.hashForConfig(key) + "\"");
            err.println("allow = [\"*\"]");
            err.flush();
            return CommandLine.ExitCode.OK;
        }
    }

    @Command(name = "hash", description = "Read a key on stdin, print its sha256 for the config.")
    static final class Hash implements Callable<Integer> {
        private final InputStream stdin;

        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        Hash(InputStream stdin) {
            this.stdin = stdin;
        }

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            try {
                String key = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
                if (key == null || key.isBlank()) {
                    err.println("mcp-gateway keys hash: no key on standard input");
                    err.flush();
                    return CommandLine.ExitCode.USAGE;
                }
                spec.commandLine().getOut().println(ApiKeys.hashForConfig(key.strip()));
                spec.commandLine().getOut().flush();
                return CommandLine.ExitCode.OK;
            } catch (IOException e) {
                err.println("mcp-gateway keys hash: " + e.getMessage());
                err.flush();
                return CommandLine.ExitCode.SOFTWARE;
            }
        }
    }
}
