package dev.sparkd.doctor;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.sparkd.core.config.ConfigException;
import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.ConfigLocation;
import dev.sparkd.core.config.Host;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.ssh.SshRunner;
import dev.sparkd.core.ssh.SshRunnerOptions;
import dev.sparkd.mcp.config.McpSettings;
import dev.sparkd.router.config.RouterSettings;
import io.vertx.core.VertxOptions;
import io.vertx.mutiny.core.Vertx;

/**
 * {@code sparkd doctor [--config FILE]}: checks, in order, the config, the database, every host, every service, every
 * route, every MCP server and the daemons themselves; prints one line per check, {@code ✓} or {@code ✗} with the fix.
 * Exit 0 when all is well, 1 when something is wrong, 2 when the config is invalid (nothing else is checked then).
 */
public final class DoctorCommand {
    public static final int OK = 0;
    public static final int PROBLEMS = 1;
    public static final int CONFIG = 2;

    private DoctorCommand() {
    }

    public static void main(String[] args) {
        // The SDK logs through SLF4J (no binding here) and the transport through JUL: the report is the output.
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        Logger.getLogger("").setLevel(Level.SEVERE);
        System.exit(run(args, System.getenv(), System.out));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out) {
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                out.println("usage: sparkd doctor [--config FILE]   (default: $" + ConfigLocation.ENV + ", then " + ConfigLocation.DEFAULT + ")");
                out.println("checks the config, the database, hosts, services, routes, MCP servers and the daemons;");
                out.println("exit 0 all good, 1 problems (each ✗ line says how to fix it), 2 config invalid");
                return OK;
            }
            if (a.startsWith("-") && !a.equals("--config") && !a.startsWith("--config=")) {
                out.println("sparkd doctor: unknown option " + a + " (usage: sparkd doctor [--config FILE])");
                return CONFIG;
            }
        }
        Path file = ConfigLocation.resolve(args, env);
        SuiteConfig config;
        try {
            config = ConfigLoader.load(file);
        } catch (ConfigException e) {
            out.println(Check.problem("config", file + ": " + e.problems().size() + " problem(s)",
                    "correct them (listed below), then `./sparkd check " + file + "`").line());
            out.println(ConfigException.report(e.problems()));
            return CONFIG;
        }
        Report report = new Report(out);
        report.add(Check.ok("config", file + " is valid (" + config.hosts().size() + " host(s), " + config.services().size()
                + " service(s))"));
        DatabaseCheck.run(config, file).forEach(report::add);
        try (SshRunner ssh = new SshRunner(SshRunnerOptions.defaults().withConnectTimeout(HostChecks.CONNECT))) {
            config.hosts().values().stream().sorted(Comparator.comparing(Host::name))
                    .forEach(h -> HostChecks.run(ssh, h).forEach(report::add));
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        try {
            ServiceChecks.Result services = ServiceChecks.run(config, vertx);
            services.checks().forEach(report::add);
            RouteChecks.run(config.section(RouterSettings.class), services).forEach(report::add);
        } finally {
            vertx.closeAndAwait();
        }
        config.section(McpSettings.class).servers().values().forEach(s -> report.add(McpServerChecks.run(s)));
        DaemonChecks.run(config, file).forEach(report::add);
        out.println(report.problems() == 0 ? "sparkd doctor: all good"
                : "sparkd doctor: " + report.problems() + " problem(s) — each ✗ line says how to fix it");
        return report.problems() == 0 ? OK : PROBLEMS;
    }
}
