package dev.sparkd.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code sparkd check FILE}: validates the whole file with every daemon's schema and prints the report.
 * Exit 0 when valid, 2 when not (the same code every daemon uses for a configuration error).
 */
public final class CheckCommand {
    private CheckCommand() {
    }

    public static void main(String[] args) {
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: sparkd check FILE");
            System.exit(2);
        }
        System.exit(run(Path.of(args[0]), ConfigLoader.installedSchemas()));
    }

    static int run(Path file, List<SectionSchema<?>> schemas) {
        Set<String> missing = new TreeSet<>(ConfigLoader.DAEMON_SECTIONS.keySet());
        schemas.forEach(s -> missing.remove(s.section()));
        if (!missing.isEmpty()) {
            System.err.println("sparkd check: the schemas of " + missing + " are not on the class path; build all daemons first (./mvnw -B package -DskipTests)");
            return 2;
        }
        try {
            SuiteConfig config = ConfigLoader.load(file, schemas);
            System.out.println(file + ": valid — " + config.hosts().size() + " host(s), " + config.services().size()
                    + " service(s), database " + config.database() + ", state in " + config.suite().stateDir());
            return 0;
        } catch (ConfigException e) {
            System.out.println(ConfigException.report(e.problems()));
            System.out.println(file + ": " + e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s"));
            return 2;
        }
    }
}
