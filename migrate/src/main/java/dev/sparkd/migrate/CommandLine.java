package dev.sparkd.migrate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.sparkd.core.config.ConfigException;
import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.ConfigLocation;
import dev.sparkd.core.config.SuiteConfig;

/** What {@code sparkd migrate} and {@code sparkd db} share: {@code --config FILE [DAEMON…]}, loaded and checked. */
record CommandLine(Path file, SuiteConfig config, List<String> daemons) {

    static final List<String> ALL_DAEMONS = List.of("health-agent", "model-manager", "router", "mcp-gateway");
    static final int EXIT_FAILED = 1;
    static final int EXIT_CONFIG = 2;

    /** Parses and loads; on a usage or configuration error prints why and exits 2. */
    static CommandLine parse(String command, String[] args) {
        List<String> daemons = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--config")) {
                i++;
            } else if (a.startsWith("--config=")) {
                // read by ConfigLocation
            } else if (ALL_DAEMONS.contains(a)) {
                daemons.add(a);
            } else {
                System.err.println("usage: sparkd " + command + " --config FILE" + (command.equals("migrate") ? " [DAEMON…]" : "")
                        + "\n  unknown argument '" + a + "'; daemons: " + String.join(", ", ALL_DAEMONS));
                System.exit(EXIT_CONFIG);
            }
        }
        Path file = ConfigLocation.resolve(args, System.getenv());
        if (!Files.isRegularFile(file)) {
            System.err.println("sparkd " + command + ": config file not found: " + file + " (pass --config FILE)");
            System.exit(EXIT_CONFIG);
        }
        try {
            SuiteConfig config = ConfigLoader.load(file);
            return new CommandLine(file, config, daemons.isEmpty() ? ALL_DAEMONS : List.copyOf(daemons));
        } catch (ConfigException e) {
            System.err.println(ConfigException.report(e.problems()));
            System.err.println("sparkd " + command + ": " + e.problems().size() + " problem(s) in " + file);
            System.exit(EXIT_CONFIG);
            return null;
        }
    }
}
