package dev.sparkd.models.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.ConfigLocation;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.http.JsonCodec;
import dev.sparkd.core.ssh.SshRunner;
import dev.sparkd.models.engine.ActiveStore;
import dev.sparkd.models.engine.Backends;
import dev.sparkd.models.engine.DiskGuard;
import dev.sparkd.models.engine.ModelManager;
import dev.sparkd.models.engine.OllamaReconciler;
import dev.sparkd.models.engine.OllamaVerifier;
import dev.sparkd.models.engine.Plan;
import dev.sparkd.models.engine.SwapLock;
import dev.sparkd.models.engine.SwapService;
import dev.sparkd.models.engine.Tuning;
import dev.sparkd.models.engine.Verifier;
import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.Operations;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.Vertx;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The one-shot modes, without Quarkus or a database, on a plain Vert.x with the shared clients:
 * {@code model-manager plan [--json] [--force-prune] [--config FILE]} (exit 0 no changes, 1 changes pending or a service
 * unreadable, 2 config or usage error) and {@code model-manager reconcile --once [--force-prune] [--config FILE]}
 * (exit 0 converged, 1 something failed, 2 config or usage error). Parsed with picocli; this class is also their
 * composition root, since no CDI container runs.
 */
// picocli reads the annotated fields reflectively; registered so a native build keeps them
@RegisterForReflection(targets = {Cli.class, Cli.ModeCommand.class, Cli.PlanCommand.class, Cli.ReconcileCommand.class})
@Command(name = "model-manager", description = "One-shot model-manager modes (the daemon runs without a mode).")
public final class Cli {
    public static final int OK = 0;
    public static final int PENDING = 1;
    public static final int CONFIG = 2;

    private final PrintStream out;
    private final PrintStream err;
    private final boolean tty;
    private final Tuning tuning;
    private final Verifier verifier;

    private Cli(PrintStream out, PrintStream err, boolean tty, Tuning tuning, Verifier verifier) {
        this.out = out;
        this.err = err;
        this.tty = tty;
        this.tuning = tuning;
        this.verifier = verifier;
    }

    public static boolean isCliMode(String... args) {
        return args.length > 0 && (args[0].equals("plan") || args[0].equals("reconcile"));
    }

    /** Runs one mode; {@code verifier} null means the real one. Returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean tty, Tuning tuning, Verifier verifier) {
        Cli cli = new Cli(out, err, tty, tuning, verifier);
        CommandLine line = new CommandLine(cli).addSubcommand(new PlanCommand(cli)).addSubcommand(new ReconcileCommand(cli));
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        return line.execute(args);
    }

    /** What both modes share: their options, and the CLI they print through. */
    abstract static class ModeCommand implements Callable<Integer> {
        final Cli cli;

        @Option(names = "--config", paramLabel = "FILE", description = "sparkd.toml (default: $SPARKD_CONFIG, else /etc/sparkd/sparkd.toml)")
        Path config;

        @Option(names = "--force-prune", description = "also prune undeclared models that are loaded right now")
        boolean forcePrune;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
        boolean help;

        ModeCommand(Cli cli) {
            this.cli = cli;
        }

        Path file() {
            return config != null ? config.toAbsolutePath() : ConfigLocation.resolve(new String[0], System.getenv());
        }
    }

    @Command(name = "plan", description = "Print what a reconcile would change. Exit 0: nothing; 1: changes pending or a service unreadable.")
    static final class PlanCommand extends ModeCommand {
        @Option(names = "--json", description = "print the plan as JSON")
        boolean json;

        PlanCommand(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            return cli.withEngine("plan", file(), false, manager -> {
                Plan plan = manager.plan(forcePrune);
                if (json) {
                    cli.out.println(JsonCodec.mapper().valueToTree(plan).toPrettyString());
                } else {
                    cli.out.print(plan.render());
                }
                return plan.hasChanges() ? PENDING : OK;
            });
        }
    }

    @Command(name = "reconcile", description = "Apply the Ollama part of the plan once (vLLM swaps are left to the daemon)."
            + " Exit 0: converged; 1: something failed.")
    static final class ReconcileCommand extends ModeCommand {
        @Option(names = "--once", description = "required: run one reconcile and exit")
        boolean once;

        ReconcileCommand(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            if (!once) {
                cli.err.println("model-manager reconcile: add --once (the daemon reconciles on its own schedule)");
                return CONFIG;
            }
            return cli.withEngine("reconcile", file(), true, manager -> {
                ModelManager.Outcome outcome = manager.reconcile(forcePrune, false);
                cli.report(outcome);
                return outcome.converged() ? OK : PENDING;
            });
        }
    }

    /** What a mode does once the engine is built. */
    private interface Mode {
        int run(ModelManager manager);
    }

    /** Loads the file (exit 2 with every problem), builds the engine over a plain Vert.x, runs {@code mode}. */
    private int withEngine(String name, Path file, boolean showProgress, Mode mode) {
        Optional<SuiteConfig> loaded = ConfigLoader.loadOrReport(file, "model-manager " + name, err);
        if (loaded.isEmpty()) {
            return CONFIG;
        }
        SuiteConfig config = loaded.get();
        Vertx vertx = Vertx.vertx();
        try (SshRunner ssh = new SshRunner(); Backends backends = new Backends(config, vertx, ssh, tuning)) {
            Operations operations = new Operations();
            if (showProgress) {
                operations.addListener(new TerminalProgress(out, tty));
            }
            OllamaReconciler ollama = new OllamaReconciler(backends, new DiskGuard(backends), operations,
                    verifier != null ? verifier : new OllamaVerifier(backends), Infrastructure.getDefaultWorkerPool());
            SwapService swaps = new SwapService(backends, operations, SwapLock.LOCAL, new ActiveStore.InMemory());
            return mode.run(new ModelManager(backends, ollama, swaps));
        } finally {
            vertx.closeAndAwait();
        }
    }

    private void report(ModelManager.Outcome outcome) {
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
    }
}
