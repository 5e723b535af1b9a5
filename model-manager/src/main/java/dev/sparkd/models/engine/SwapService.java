package dev.sparkd.models.engine;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkd.models.config.ModelsSchema;
import dev.sparkd.models.config.ModelsSettings;
import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.Operations;
import dev.sparkd.core.host.HostOutput;
import dev.sparkd.core.config.Host;
import dev.sparkd.core.http.BackendHttp;
import dev.sparkd.core.http.BackendRequest;
import dev.sparkd.core.http.JsonCodec;
import dev.sparkd.core.openai.ModelCard;
import dev.sparkd.core.ssh.CommandResult;
import dev.sparkd.core.ssh.RemoteCommand;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Swaps the model a vLLM service serves, over SSH: stop and remove the old container, {@code docker run} the catalog
 * entry, and wait for the health gate (container still running, port open, {@code /health} 200, {@code /v1/models}
 * lists the model, one small completion). When the gate fails, the previous model is launched again. Only catalog
 * entries are launched, and every argument is checked against the schema's patterns again before it is quoted.
 * Blocking: runs on worker threads.
 */
@ApplicationScoped
public class SwapService {
    private static final String TEMPLATE = "{{.State.Status}} {{.State.ExitCode}}";
    private final Backends backends;
    private final Operations operations;
    private final SwapLock lock;
    private final ActiveStore store;
    private final Map<String, Operation> running = new ConcurrentHashMap<>();
    private final Map<String, String> current = new ConcurrentHashMap<>();
    private final Map<String, String> lastObserveError = new ConcurrentHashMap<>();

    public SwapService(Backends backends, Operations operations, SwapLock lock, ActiveStore store) {
        this.backends = backends;
        this.operations = operations;
        this.lock = lock;
        this.store = store;
    }

    /** A request named something that is not in the catalog (or not a vLLM service). */
    public static final class NotInCatalog extends RuntimeException {
        public NotInCatalog(String message) {
            super(message);
        }
    }

    /** Another swap of the same service is running. */
    public static final class Busy extends RuntimeException {
        private final String operationId;

        public Busy(String service, String operationId) {
            super("a swap of " + service + " is already running" + (operationId == null ? "" : " (operation " + operationId + ")"));
            this.operationId = operationId;
        }

        public String operationId() {
            return operationId;
        }
    }

    public ModelsSettings.CatalogEntry entry(String service, String key) {
        ModelsSettings.VllmCatalog catalog = backends.settings().vllm().get(service);
        if (catalog == null) {
            throw new NotInCatalog("\"" + service + "\" is not a vLLM service with a [models." + service + "] catalog");
        }
        ModelsSettings.CatalogEntry e = key == null ? null : catalog.catalog().get(key);
        if (e == null) {
            throw new NotInCatalog("\"" + (key == null ? "" : key.length() > 80 ? key.substring(0, 80) + "…" : key)
                    + "\" is not in the catalog of " + service + "; allowed: " + String.join(", ", catalog.catalog().keySet()));
        }
        return e;
    }

    /** The key this service should serve: the stored API choice while the file's active is unchanged, else the file's. */
    public String desired(String service) {
        String fileActive = backends.settings().vllm().get(service).active();
        return store.chosen(service, fileActive).orElse(fileActive);
    }

    /** Blocking: which catalog entry answers on its port right now, if any. */
    public Optional<String> observe(String service) {
        ModelsSettings.VllmCatalog catalog = backends.settings().vllm().get(service);
        backends.apiKey(service); // read here, on a worker, for the clients below
        for (ModelsSettings.CatalogEntry e : catalog.catalog().values()) {
            try {
                List<ModelCard> models = backends.vllm(service, e.port()).models().await().atMost(Duration.ofSeconds(5));
                Optional<String> match = catalog.catalog().values().stream().filter(c -> c.port() == e.port())
                        .filter(c -> models.stream().anyMatch(m -> c.model().equals(m.root()) || c.model().equals(m.id())))
                        .map(ModelsSettings.CatalogEntry::key).findFirst();
                if (match.isPresent()) {
                    current.put(service, match.get());
                    return match;
                }
            } catch (RuntimeException notServing) {
                // port closed or not vLLM: try the next entry's port
                lastObserveError.put(service, notServing.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Blocking: the plan line of one vLLM service. */
    public Plan.ServicePlan plan(String service) {
        String host = hostName(service);
        String want = desired(service);
        Optional<String> now = observe(service);
        Plan.Item item = now.filter(want::equals).isPresent()
                ? new Plan.Item("keep", want, "serving", null)
                : new Plan.Item("swap", want, now.map(n -> "serving " + n + " now").orElse("no catalog model answers now ("
                        + lastObserveError.getOrDefault(service, "nothing listens") + ")"), null);
        return new Plan.ServicePlan(service, "vllm", host, List.of(item), null);
    }

    /**
     * Validates, takes the lock, and runs the swap on {@code executor}. Throws {@link NotInCatalog} (before anything
     * else happens) or {@link Busy}.
     */
    public Operation start(String service, String key, Executor executor, boolean persistChoice) {
        return start(service, key, executor, persistChoice, false);
    }

    /**
     * As {@link #start(String, String, Executor, boolean)}; {@code force} skips the free-memory check for the new model
     * (never for a rollback), for an operator who knows better — vLLM then checks for itself and the gate rolls back.
     */
    public Operation start(String service, String key, Executor executor, boolean persistChoice, boolean force) {
        return start(service, key, executor, persistChoice, force, false);
    }

    private Operation start(String service, String key, Executor executor, boolean persistChoice, boolean force, boolean adopt) {
        ModelsSettings.CatalogEntry target = entry(service, key);
        synchronized (running) {
            Operation other = running.get(service);
            if (other != null) {
                throw new Busy(service, other.id());
            }
            Optional<SwapLock.Lease> lease = lock.tryLock(service);
            if (lease.isEmpty()) {
                throw new Busy(service, lock.runningOperation(service).orElse(null));
            }
            Operation op = operations.start("swap", service, key);
            running.put(service, op);
            executor.execute(() -> {
                try (SwapLock.Lease held = lease.get()) {
                    run(service, target, op, persistChoice, force, adopt);
                } catch (RuntimeException e) {
                    op.finish(Operation.State.FAILED, e.getMessage());
                } finally {
                    running.remove(service);
                }
            });
            return op;
        }
    }

    /** Blocking convenience: start on the calling thread's behalf and wait. */
    public Operation swapAndWait(String service, String key, boolean persistChoice) {
        return start(service, key, Runnable::run, persistChoice, false);
    }

    /**
     * Blocking: brings the service back to its desired model (start-up and every reconcile) with the same gate and
     * rollback as a swap; a container of that model already starting (its restart policy after a reboot) is waited for
     * rather than restarted.
     */
    public Operation convergeAndWait(String service) {
        return start(service, desired(service), Runnable::run, false, false, true);
    }

    /** Blocking convenience for a forced swap (no free-memory check for the new model). */
    public Operation forceSwapAndWait(String service, String key) {
        return start(service, key, Runnable::run, false, true);
    }

    /** The vLLM services with a catalog, in file order. */
    public List<String> services() {
        return List.copyOf(backends.settings().vllm().keySet());
    }

    public List<ModelsSettings.CatalogEntry> catalog(String service) {
        return List.copyOf(backends.settings().vllm().get(service).catalog().values());
    }

    public String hostName(String service) {
        return backends.hostOf(service).map(Host::name).orElse(null);
    }

    /** The catalog key last seen serving (by a swap or an observation), without asking the server. */
    public Optional<String> lastKnown(String service) {
        return Optional.ofNullable(current.get(service));
    }

    public Optional<Operation> runningSwap(String service) {
        return Optional.ofNullable(running.get(service));
    }

    private void run(String service, ModelsSettings.CatalogEntry target, Operation op, boolean persistChoice, boolean force,
            boolean adopt) {
        ModelsSettings.VllmCatalog catalog = backends.settings().vllm().get(service);
        if (adopt && adopted(service, target, op)) {
            current.put(service, target.key());
            op.finish(Operation.State.SUCCEEDED, null);
            return;
        }
        Optional<ModelsSettings.CatalogEntry> previous = Optional.ofNullable(current.get(service)).or(() -> observe(service))
                .filter(k -> !k.equals(target.key())).map(catalog.catalog()::get);
        // (the target itself may be what runs: a re-launch then has no previous model to return to)
        op.event(previous.map(p -> "replacing " + p.key() + " (" + p.model() + ")").orElse("no catalog model is serving")
                + " with " + target.key() + " (" + target.model() + ")");
        if (force) {
            op.event("forced: the free-memory check is skipped for " + target.key());
        }
        Failure failure = launch(service, target, previous, op, "swap", force);
        if (failure == null) {
            current.put(service, target.key());
            if (persistChoice) {
                store.save(service, target.key(), catalog.active());
            }
            op.finish(Operation.State.SUCCEEDED, null);
            return;
        }
        if (previous.isEmpty()) {
            current.remove(service);
            op.finish(Operation.State.FAILED, failure.reason());
            return;
        }
        if (!failure.stopped()) {
            // nothing was stopped: the previous model never stopped serving
            op.finish(Operation.State.ROLLED_BACK, target.key() + " could not start (" + failure.reason() + "); "
                    + previous.get().key() + " was not stopped and is serving");
            return;
        }
        Failure rollbackFailure = launch(service, previous.get(), Optional.of(target), op, "rollback", false);
        if (rollbackFailure == null) {
            current.put(service, previous.get().key());
            op.finish(Operation.State.ROLLED_BACK, target.key() + " failed the health gate (" + failure.reason() + "); "
                    + previous.get().key() + " is serving again");
        } else {
            current.remove(service);
            op.finish(Operation.State.FAILED, target.key() + " failed (" + failure.reason() + ") and the rollback to "
                    + previous.get().key() + " failed too (" + rollbackFailure.reason() + ")");
        }
    }

    /**
     * After a reboot the restart policy has already started the container of the desired model, which may still be
     * loading: wait for it through the same health gate instead of restarting it (a reload costs minutes). True = it
     * passed; false = launch it as usual (also when some other model's container runs under that name).
     */
    private boolean adopted(String service, ModelsSettings.CatalogEntry target, Operation op) {
        CommandResult inspect = docker(service, Duration.ofSeconds(30), "inspect", "-f", "{{.State.Status}} {{json .Args}}", target.container());
        String out = inspect.stdout().strip();
        if (!inspect.succeeded() || !out.startsWith("running ") || !out.contains("\"" + target.model() + "\"")) {
            return false;
        }
        op.event("container " + target.container() + " runs " + target.model() + " already (restarted by its restart policy); "
                + "waiting up to " + target.loadTimeout().toSeconds() + " s for the health gate instead of restarting it");
        Gate gate = gate(service, target);
        op.attempt(new Operation.Attempt(target.key(), "converge", gate.reason == null ? "passed" : "failed", gate.reason, gate.logTail));
        return gate.reason == null;
    }

    /** Why a launch failed, and whether it got as far as stopping what ran. */
    private record Failure(String reason, boolean stopped) {
    }

    /**
     * Readies {@code entry} while the old model still serves (image, secrets, weights), then stops what runs, starts
     * {@code entry} and waits for the gate. Null = passed. Records one attempt.
     */
    private Failure launch(String service, ModelsSettings.CatalogEntry entry, Optional<ModelsSettings.CatalogEntry> old,
            Operation op, String role, boolean skipMemoryCheck) {
        ContainerEnvFile env;
        try {
            env = ContainerEnvFile.of(entry, backends.apiKey(service));
        } catch (IllegalStateException e) {
            op.attempt(new Operation.Attempt(entry.key(), role, "failed", e.getMessage(), List.of()));
            return new Failure(e.getMessage(), false);
        }
        try {
            Optional<String> notReady = pullImage(service, entry, op).or(() -> writeEnv(service, env, op))
                    .or(() -> new WeightsFetch(backends, service, entry, op, env).run());
            if (notReady.isPresent()) {
                op.attempt(new Operation.Attempt(entry.key(), role, "failed", notReady.get(), List.of()));
                return new Failure(notReady.get(), false);
            }
            Set<String> containers = new LinkedHashSet<>();
            old.ifPresent(o -> containers.add(o.container()));
            containers.add(entry.container());
            for (String c : containers) {
                CommandResult stop = docker(service, Duration.ofSeconds(90), "stop", "-t", "60", c);
                CommandResult rm = docker(service, Duration.ofSeconds(30), "rm", "-f", c);
                op.event("docker stop/rm " + c + ": " + (stop.succeeded() ? "stopped" : "not running") + (rm.succeeded() ? ", removed" : ""));
            }
            Optional<String> noMemory = skipMemoryCheck ? Optional.empty() : memoryCheck(service, entry, op);
            if (noMemory.isPresent()) {
                op.attempt(new Operation.Attempt(entry.key(), role, "failed", noMemory.get(), List.of()));
                return new Failure(noMemory.get(), true);
            }
            CommandResult run = backends.run(service, runCommand(entry, WeightsFetch.cacheDir(backends, service),
                    backends.settings().vllm().get(service).publishAddress(), env.isEmpty() ? Optional.empty() : Optional.of(env.path())),
                    Duration.ofMinutes(5));
            if (!run.succeeded()) {
                String reason = "docker run failed (exit " + run.exitCode() + "): " + run.stderr().strip();
                op.attempt(new Operation.Attempt(entry.key(), role, "failed", reason, List.of()));
                return new Failure(reason, true);
            }
        } finally {
            if (!env.isEmpty()) {
                env.remove(backends, service); // docker has read it; the container keeps its own copy
            }
        }
        op.event("docker run " + entry.container() + " (" + entry.image() + ", " + entry.model() + ") started; waiting up to "
                + entry.loadTimeout().toSeconds() + " s for the health gate");
        Gate gate = gate(service, entry);
        op.attempt(new Operation.Attempt(entry.key(), role, gate.reason == null ? "passed" : "failed", gate.reason, gate.logTail));
        if (gate.reason != null) {
            docker(service, Duration.ofSeconds(30), "rm", "-f", entry.container());
            return new Failure(gate.reason, true);
        }
        return null;
    }

    /** Writes the container's env file when it has anything to carry; events name the variables, never the values. */
    private Optional<String> writeEnv(String service, ContainerEnvFile env, Operation op) {
        if (env.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> failed = env.write(backends, service);
        if (failed.isEmpty()) {
            op.event("env file " + env.path() + " written (mode 0600): " + String.join(", ", env.names()));
        }
        return failed;
    }

    private record Gate(String reason, List<String> logTail) {
    }

    /** A vLLM image is 10–20 GB: the first {@code docker run} of a new tag would spend the run's timeout pulling it. */
    static final Duration IMAGE_PULL_TIMEOUT = Duration.ofMinutes(60);
    /**
     * Memory CUDA does not report free on a GB10 although /proc/meminfo counts it available: an idle GB10 shows about
     * 102 of 119.7 GiB CUDA-free (public GB10 reports, see docs/model-manager.md).
     */
    static final long GB10_CUDA_UNREPORTED = 13L << 30;

    /** Pulls the entry's image as its own step when the host does not have it. Empty = present now. */
    private Optional<String> pullImage(String service, ModelsSettings.CatalogEntry entry, Operation op) {
        RemoteCommand inspect = RemoteCommand.builder("docker").args("image", "inspect", "--format", "{{.Id}}")
                .arg(entry.image(), ModelsSchema.IMAGE).build();
        if (backends.run(service, inspect, Duration.ofSeconds(30)).succeeded()) {
            return Optional.empty();
        }
        op.event("pulling image " + entry.image() + " (not on the host yet; up to " + IMAGE_PULL_TIMEOUT.toMinutes() + " min)");
        CommandResult pull = backends.run(service, RemoteCommand.builder("docker").arg("pull").arg(entry.image(), ModelsSchema.IMAGE)
                .build(), IMAGE_PULL_TIMEOUT);
        List<String> lines = Arrays.stream((pull.stdout() + "\n" + pull.stderr()).split("\n")).filter(l -> !l.isBlank()).toList();
        if (!pull.succeeded()) {
            return Optional.of("docker pull " + entry.image() + " failed (exit " + pull.exitCode() + "): "
                    + (lines.isEmpty() ? "" : lines.get(lines.size() - 1)));
        }
        op.event("pulled " + entry.image() + (lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1)));
        return Optional.empty();
    }

    /**
     * vLLM refuses to start when the device has less free memory than {@code --gpu-memory-utilization} × total
     * (gpu_worker.py init_device); on GB10 the device is the host's unified memory. Checked before {@code docker run}
     * so the swap says why instead of waiting for the container to die. Empty = fits (or not a GB10 host).
     */
    private Optional<String> memoryCheck(String service, ModelsSettings.CatalogEntry entry, Operation op) {
        if (backends.hostOf(service).map(h -> h.gpu() != Host.GpuKind.GB10).orElse(true)) {
            return Optional.empty();
        }
        CommandResult meminfo = backends.run(service, RemoteCommand.builder("cat").arg("/proc/meminfo").build(), Duration.ofSeconds(30));
        Map<String, Long> mem = HostOutput.meminfo(meminfo.stdout());
        long total = mem.getOrDefault("MemTotal", -1L);
        long available = mem.getOrDefault("MemAvailable", -1L);
        if (!meminfo.succeeded() || total <= 0 || available < 0) {
            op.event("could not read /proc/meminfo; starting without the memory check");
            return Optional.empty();
        }
        double utilisation = utilisation(entry.args());
        long needed = (long) (utilisation * total);
        long free = Math.max(0, available - GB10_CUDA_UNREPORTED);
        if (needed > free) {
            return Optional.of(String.format(Locale.ROOT, "not enough free memory for %s: vLLM needs %.1f GiB "
                    + "(--gpu-memory-utilization %s of %.1f GiB) but %.1f GiB is free (MemAvailable %.1f GiB less %.0f GiB "
                    + "CUDA does not report); lower --gpu-memory-utilization or unload the host's Ollama models",
                    entry.key(), gib(needed), utilisation, gib(total), gib(free), gib(available), gib(GB10_CUDA_UNREPORTED)));
        }
        op.event(String.format(Locale.ROOT, "memory: %.1f GiB needed, %.1f GiB free", gib(needed), gib(free)));
        return Optional.empty();
    }

    /** {@code --gpu-memory-utilization} from the entry's arguments; vLLM's default is 0.9. */
    static double utilisation(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = a.startsWith("--gpu-memory-utilization=") ? a.substring(a.indexOf('=') + 1)
                    : a.equals("--gpu-memory-utilization") && i + 1 < args.size() ? args.get(i + 1) : null;
            if (value != null) {
                try {
                    return Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    return 0.9;
                }
            }
        }
        return 0.9;
    }

    private static double gib(long bytes) {
        return bytes / (double) (1L << 30);
    }

    private Gate gate(String service, ModelsSettings.CatalogEntry entry) {
        Instant deadline = Instant.now().plus(entry.loadTimeout());
        String lastSeen = "port " + entry.port() + " not open yet";
        while (Instant.now().isBefore(deadline)) {
            CommandResult inspect = docker(service, Duration.ofSeconds(30), "inspect", "-f", TEMPLATE, entry.container());
            String[] state = inspect.stdout().strip().split(" ");
            if (!inspect.succeeded() || state[0].equals("exited") || state[0].equals("dead")) {
                CommandResult logs = docker(service, Duration.ofSeconds(30), "logs", "--tail", "20", entry.container());
                List<String> tail = new ArrayList<>();
                Arrays.stream((logs.stdout() + logs.stderr()).split("\n")).filter(l -> !l.isBlank()).forEach(tail::add);
                String cause = HostOutput.exitCause(String.join("\n", tail));
                return new Gate("container " + entry.container() + (inspect.succeeded() ? " exited with code "
                        + (state.length > 1 ? state[1] : "?") : " is gone") + (cause == null ? "" : ": " + cause),
                        tail.subList(Math.max(0, tail.size() - 20), tail.size()));
            }
            Optional<String> notYet = probe(service, entry);
            if (notYet.isEmpty()) {
                return new Gate(null, List.of());
            }
            lastSeen = notYet.get();
            sleep(backends.tuning().gatePoll());
        }
        return new Gate("not healthy after " + entry.loadTimeout().toSeconds() + " s: " + lastSeen, List.of());
    }

    /** One pass of the HTTP gate; empty = healthy and answering. */
    private Optional<String> probe(String service, ModelsSettings.CatalogEntry entry) {
        String address = backends.hostOf(service).map(Host::address).orElse("127.0.0.1");
        try (BackendHttp http = new BackendHttp(backends.vertx(), URI.create("http://" + address + ":" + entry.port()), Duration.ofSeconds(3))) {
            int status = http.call(BackendRequest.get("/health"), Duration.ofSeconds(10)).await().atMost(Duration.ofSeconds(15)).status();
            if (status != 200) {
                return Optional.of("/health answered " + status);
            }
        } catch (RuntimeException e) {
            return Optional.of("port " + entry.port() + " not open yet");
        }
        try {
            List<ModelCard> models = backends.vllm(service, entry.port()).models().await().atMost(Duration.ofSeconds(15));
            Optional<ModelCard> card = models.stream().filter(m -> entry.model().equals(m.root()) || entry.model().equals(m.id())).findFirst();
            if (card.isEmpty()) {
                return Optional.of("/v1/models does not list " + entry.model());
            }
            ObjectNode body = JsonCodec.mapper().createObjectNode();
            body.put("model", card.get().id());
            body.put("max_tokens", 8);
            body.put("temperature", 0);
            body.putArray("messages").addObject().put("role", "user").put("content", "Reply with the single word OK.");
            ObjectNode answer = backends.vllm(service, entry.port()).chatCompletion(body).await().atMost(Duration.ofSeconds(60));
            if (!answer.path("choices").isArray() || answer.path("choices").isEmpty()) {
                return Optional.of("the test completion returned no choices");
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("not answering yet: " + e.getMessage());
        }
    }

    /**
     * {@code docker run} for a catalog entry: every value re-checked against the schema's pattern, then quoted. The
     * container restarts with the host unless someone stops it, sees the host's Hugging Face cache, gets its secrets
     * from {@code envFile} (never on the command line), and is published on {@code publishAddress} only.
     */
    static RemoteCommand runCommand(ModelsSettings.CatalogEntry e, String hfCache, String publishAddress, Optional<String> envFile) {
        if (!ModelsSchema.ADDRESS.matcher(publishAddress).matches() || publishAddress.equals("0.0.0.0")) {
            throw new IllegalArgumentException("publish address " + publishAddress + " is not one IP address of the host");
        }
        String published = (publishAddress.contains(":") ? "[" + publishAddress + "]" : publishAddress) + ":" + e.port() + ":8000";
        RemoteCommand.Builder b = RemoteCommand.builder("docker").args("run", "-d", "--name").arg(e.container(), ModelsSchema.CONTAINER)
                .args("--restart", "unless-stopped", "--gpus", "all", "--ipc", "host", "--ulimit", "memlock=-1", "-p").arg(published)
                .args(WeightsFetch.mountArgs(hfCache));
        envFile.ifPresent(f -> b.arg("--env-file").arg(f));
        envArgs(b, e);
        b.args("--entrypoint", "vllm").arg(e.image(), ModelsSchema.IMAGE).arg("serve").arg(e.model(), ModelsSchema.HF_MODEL)
                .args("--host", "0.0.0.0", "--port", "8000");
        e.args().forEach(a -> b.arg(a, ModelsSchema.ARG));
        return b.build();
    }

    /** The catalog's inline {@code env} as {@code -e NAME=value}, each pair re-checked (no secrets: the schema refuses them). */
    static void envArgs(RemoteCommand.Builder b, ModelsSettings.CatalogEntry e) {
        for (Map.Entry<String, String> env : e.env().entrySet()) {
            if (!ModelsSchema.ENV_NAME.matcher(env.getKey()).matches() || !ModelsSchema.ENV_VALUE.matcher(env.getValue()).matches()) {
                throw new IllegalArgumentException("catalog env " + env.getKey() + " does not match the allowed pattern");
            }
            b.arg("-e").arg(env.getKey() + "=" + env.getValue());
        }
    }

    private CommandResult docker(String service, Duration timeout, String... args) {
        return backends.run(service, RemoteCommand.builder("docker").args(args).build(), timeout);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
