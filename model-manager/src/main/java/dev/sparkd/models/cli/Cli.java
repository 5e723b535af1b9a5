package dev.sparkd.models.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.sparkd.models.engine.ActiveStore;
import dev.sparkd.models.engine.Backends;
import dev.sparkd.models.engine.ModelManager;
import dev.sparkd.models.engine.Plan;
import dev.sparkd.models.engine.SwapLock;
import dev.sparkd.models.engine.Tuning;
import dev.sparkd.models.engine.Verifier;
import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.Operations;
import dev.sparkd.core.config.ConfigException;
import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.ConfigLocation;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.ssh.SshRunner;
import io.vertx.mutiny.core.Vertx;

/**
 * The one-shot modes, without Quarkus or a database, on a plain Vert.x with the shared clients:
 * {@code model-manager plan [--json]} (exit 0 no changes, 1 changes pending or a service unreadable, 2 config error) and
 * {@code model-manager reconcile --once [--force-prune]} (exit 0 converged, 1 something failed, 2 config error).
 */
public final class Cli {
    public static final int OK = 0;
    public static final int PENDING = 1;
    public static final int CONFIG = 2;

    private Cli() {
    }

    public static boolean isCliMode(String... args) {
        return args.length > 0 && (args[0].equals("plan") || args[0].equals("reconcile"));
    }

    public static int run(String[] args, PrintStream out, PrintStream err, boolean tty, Tuning tuning, Verifier verifier) {
        String mode = args[0];
        List<String> rest = List.of(args).subList(1, args.length);
        boolean json = rest.contains("--json");
        boolean force = rest.contains("--force-prune");
        if (mode.equals("reconcile") && !rest.contains("--once")) {
            err.println("model-manager reconcile: add --once (the daemon reconciles on its own schedule)");
            return CONFIG;
        }
        Path file = ConfigLocation.resolve(args, System.getenv());
        SuiteConfig config;
        try {
            config = ConfigLoader.load(file);
        } catch (ConfigException e) {
            err.println(ConfigException.report(e.problems()));
            err.println("model-manager " + mode + ": " + e.problems().size() + " problem(s) in " + file);
            return CONFIG;
        }
        Vertx vertx = Vertx.vertx();
        try (SshRunner ssh = new SshRunner(); Backends backends = new Backends(config, vertx, ssh, tuning)) {
            Operations operations = new Operations();
            ModelManager manager = new ModelManager(backends, operations, verifier, SwapLock.LOCAL, new ActiveStore.InMemory());
            if (mode.equals("plan")) {
                Plan plan = manager.plan(force);
                if (json) {
                    out.println(dev.sparkd.core.http.JsonCodec.mapper().valueToTree(plan).toPrettyString());
                } else {
                    out.print(plan.render());
                }
                return plan.hasChanges() ? PENDING : OK;
            }
            operations.addListener(new TerminalProgress(out, tty));
            ModelManager.Outcome outcome = manager.reconcile(force, false);
            if (tty) {
                out.print("\r\033[K");
            }
            for (Operation op : outcome.operations()) {
                out.println(op.state().label() + "  " + op.service() + " " + op.kind() + " " + op.subject()
                        + (op.error() == null ? "" : " — " + op.error()));
            }
            outcome.plan().services().stream().filter(s -> s.error() != null)
                    .forEach(s -> out.println("failed  " + s.service() + " — " + s.error()));
            outcome.plan().services().stream().filter(s -> s.kind().equals("vllm"))
                    .flatMap(s -> s.items().stream().filter(Plan.Item::isChange).map(i -> Map.entry(s.service(), i)))
                    .forEach(e -> out.println("pending " + e.getKey() + " swap to " + e.getValue().model()
                            + " — swaps are applied by the daemon (or POST /api/v1/services/" + e.getKey() + "/swap)"));
            out.println(outcome.converged() ? "Converged." : "Not converged.");
            return outcome.converged() ? OK : PENDING;
        } finally {
            vertx.closeAndAwait();
        }
    }
}
