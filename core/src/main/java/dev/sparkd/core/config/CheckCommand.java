package dev.sparkd.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code sparkd check FILE}: validates the whole file with every daemon's schema and prints the report.
 * Exit 0 when valid, 2 when not (the same code every daemon uses for a configuration error).
 * <p>
 * For the deployment tools, which must not parse TOML themselves: {@code sparkd check --listen DAEMON FILE} prints the
 * daemon's listen host and port ({@code "127.0.0.1 8470"}); {@code sparkd check --credentials DAEMON FILE} prints the
 * secret files that daemon's configuration reads, one per line, sorted (what its unit must load, and nothing else).
 */
public final class CheckCommand {
    private CheckCommand() {
    }

    public static void main(String[] args) {
        if (args.length == 3 && (args[0].equals("--listen") || args[0].equals("--credentials"))) {
            System.exit(query(args[0], args[1], Path.of(args[2]), ConfigLoader.installedSchemas()));
        }
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: sparkd check FILE | --listen DAEMON FILE | --credentials DAEMON FILE");
            System.exit(2);
        }
        System.exit(run(Path.of(args[0]), ConfigLoader.installedSchemas()));
    }

    static int query(String what, String daemon, Path file, List<SectionSchema<?>> schemas) {
        String section = ConfigLoader.DAEMON_SECTIONS.entrySet().stream().filter(e -> e.getValue().equals(daemon))
                .map(java.util.Map.Entry::getKey).findFirst().orElse(null);
        if (section == null) {
            System.err.println("sparkd check: unknown daemon " + daemon + " (one of " + new TreeSet<>(ConfigLoader.DAEMON_SECTIONS.values()) + ")");
            return 2;
        }
        SuiteConfig config;
        try {
            config = ConfigLoader.load(file, schemas);
        } catch (ConfigException e) {
            System.err.println(ConfigException.report(e.problems()));
            return 2;
        }
        if (what.equals("--listen")) {
            Listen listen = config.section(section).map(DaemonSettings::listen).orElseThrow();
            System.out.println(listen.host() + " " + listen.port());
        } else {
            credentials(config, daemon).forEach(System.out::println);
        }
        return 0;
    }

    /**
     * The secret files {@code daemon} reads: the admin token and the database password, backend API keys (router,
     * health-agent; vLLM's for the model-manager), SSH keys (health-agent, model-manager), its section's own.
     */
    public static Set<String> credentials(SuiteConfig config, String daemon) {
        List<SecretRef> refs = new ArrayList<>();
        Set<String> files = new TreeSet<>();
        // the admin token: configured, or the file every daemon shares under state_dir
        config.suite().edge().adminToken().ifPresentOrElse(refs::add, () -> files.add(config.suite().adminTokenFile().toString()));
        config.database().password().ifPresent(refs::add);
        if (daemon.equals("router") || daemon.equals("health-agent")) {
            config.services().values().forEach(s -> s.apiKey().ifPresent(refs::add));
        }
        if (daemon.equals("model-manager")) { // vLLM's --api-key, handed to the containers it starts
            config.services().values().stream().filter(s -> s.kind() == ServiceKind.VLLM).forEach(s -> s.apiKey().ifPresent(refs::add));
        }
        if (daemon.equals("health-agent") || daemon.equals("model-manager")) {
            config.hosts().values().forEach(h -> h.ssh().ifPresent(ssh -> files.add(ssh.keyFile().toString())));
        }
        String section = ConfigLoader.DAEMON_SECTIONS.entrySet().stream().filter(e -> e.getValue().equals(daemon))
                .map(java.util.Map.Entry::getKey).findFirst().orElseThrow();
        config.section(section).map(DaemonSettings::secrets).ifPresent(refs::addAll);
        refs.stream().flatMap(r -> r.filePath().stream()).map(Path::toString).forEach(files::add);
        return files;
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
