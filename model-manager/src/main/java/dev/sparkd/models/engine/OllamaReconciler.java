package dev.sparkd.models.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

import dev.sparkd.models.config.ModelsSettings;
import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.Operations;
import dev.sparkd.core.config.ByteSizes;
import dev.sparkd.core.config.Host;
import dev.sparkd.core.http.UpstreamException;
import dev.sparkd.core.ollama.LocalModel;
import dev.sparkd.core.ollama.OllamaClient;
import dev.sparkd.core.ollama.RunningModel;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Brings one Ollama service to its declared models: plans (pull / update / prune / keep), then applies the plan with
 * the disk guard, streamed pull operations with resuming retries, verification, rollback tags for updates, and an
 * exact-name prune that spares loaded models. Blocking style on a worker thread; never on an event loop. Pulls run
 * {@code max_parallel_pulls} at a time on {@code workers} (in the daemon, Quarkus' worker pool).
 */
@ApplicationScoped
public class OllamaReconciler {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(40);
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(60);
    private final Backends backends;
    private final DiskGuard disk;
    private final Operations operations;
    private final Verifier verifier;
    private final Executor workers;

    public OllamaReconciler(Backends backends, DiskGuard disk, Operations operations, Verifier verifier, Executor workers) {
        this.backends = backends;
        this.disk = disk;
        this.operations = operations;
        this.verifier = verifier;
        this.workers = workers;
    }

    /** The current state of a service as seen from its API. */
    record Observed(Map<String, LocalModel> installed, Set<String> loaded) {
        /** Loaded, or unknown: {@code loaded} is null when /api/ps did not answer (Ollama 0.32.10+ holds it during a load). */
        boolean mayBeLoaded(String key) {
            return loaded == null || loaded.contains(key);
        }
    }

    Observed observe(String service) {
        OllamaClient client = backends.ollama(service);
        List<LocalModel> tags = client.tags().await().atMost(READ_TIMEOUT);
        Set<String> loaded;
        try {
            List<RunningModel> ps = client.ps().await().atMost(READ_TIMEOUT);
            loaded = ps.stream().map(m -> Names.key(m.name())).collect(Collectors.toSet());
        } catch (RuntimeException busy) {
            loaded = null; // /api/ps waits for a model load (Ollama 0.32.10+) longer than the limit: nothing is pruned unless forced
        }
        Map<String, LocalModel> installed = new LinkedHashMap<>();
        tags.forEach(m -> installed.put(Names.key(m.name()), m));
        return new Observed(installed, loaded);
    }

    /** Blocking: the plan for one service. */
    public Plan.ServicePlan plan(String service, boolean forcePrune) {
        ModelsSettings.OllamaModels desired = backends.settings().ollama().get(service);
        String host = backends.hostOf(service).map(Host::name).orElse(null);
        Observed seen;
        try {
            seen = observe(service);
        } catch (RuntimeException e) {
            return new Plan.ServicePlan(service, "ollama", host, List.of(), "cannot read installed models: " + e.getMessage());
        }
        List<Plan.Item> items = new ArrayList<>();
        Set<String> declared = new HashSet<>();
        for (ModelsSettings.DeclaredModel m : desired.pull()) {
            String key = Names.key(m.name());
            declared.add(key);
            LocalModel local = seen.installed().get(key);
            if (local == null) {
                Long size = backends.registry().manifest(m.name()).map(RegistryClient.Remote::size).orElse(null);
                items.add(new Plan.Item("pull", m.name(), "not installed", size));
            } else if (m.autoUpdate()) {
                Optional<RegistryClient.Remote> remote = backends.registry().manifest(m.name());
                if (remote.isEmpty()) {
                    items.add(new Plan.Item("check", m.name(), "auto_update: registry unreachable, reconcile re-pulls and compares digests", null));
                } else if (!remote.get().digest().equalsIgnoreCase(local.digest())) {
                    items.add(new Plan.Item("update", m.name(), "tag moved: " + shortDigest(local.digest()) + " → "
                            + shortDigest(remote.get().digest()), remote.get().size()));
                } else {
                    items.add(new Plan.Item("keep", m.name(), "up to date (" + shortDigest(local.digest()) + ")", null));
                }
            } else {
                items.add(new Plan.Item("keep", m.name(), "installed", null));
            }
        }
        if (desired.prune()) {
            for (Map.Entry<String, LocalModel> e : seen.installed().entrySet()) {
                if (declared.contains(e.getKey()) || Names.isRollbackTag(e.getKey())) {
                    continue;
                }
                if (seen.mayBeLoaded(e.getKey()) && !forcePrune) {
                    items.add(new Plan.Item("skip", e.getValue().name(), seen.loaded() == null
                            ? "undeclared, but /api/ps did not answer (a model is loading); not pruned (use force)"
                            : "undeclared but loaded right now; not pruned (use force)", null));
                } else {
                    items.add(new Plan.Item("prune", e.getValue().name(), "not declared", e.getValue().size()));
                }
            }
        }
        return new Plan.ServicePlan(service, "ollama", host, items, null);
    }

    /**
     * Blocking: applies the plan of one service. Returns the operations it ran; a service converged when all
     * succeeded (and nothing was unreadable).
     */
    public Result reconcile(String service, boolean forcePrune) {
        Plan.ServicePlan plan = plan(service, forcePrune);
        if (plan.error() != null) {
            return new Result(plan, List.of(), false);
        }
        ModelsSettings.OllamaModels desired = backends.settings().ollama().get(service);
        Map<String, ModelsSettings.DeclaredModel> byKey = new LinkedHashMap<>();
        desired.pull().forEach(m -> byKey.put(Names.key(m.name()), m));
        List<Operation> ops = new ArrayList<>();
        List<Uni<Operation>> downloads = plan.items().stream().filter(i -> i.action().equals("pull") || i.action().equals("update")
                || i.action().equals("check")).map(item -> {
                    ModelsSettings.DeclaredModel m = byKey.get(Names.key(item.model()));
                    return Uni.createFrom().item(() -> item.action().equals("pull") ? pull(service, m, item.bytes())
                            : update(service, m, item.bytes())).runSubscriptionOn(workers);
                }).toList();
        if (!downloads.isEmpty()) {
            // in plan order, at most max_parallel_pulls at once; this thread waits (it is a worker too)
            Uni.join().all(downloads).usingConcurrencyOf(Math.max(1, desired.maxParallelPulls())).andFailFast()
                    .await().indefinitely().stream().filter(Objects::nonNull).forEach(ops::add);
        }
        for (Plan.Item item : plan.items()) {
            if (item.action().equals("prune")) {
                ops.add(prune(service, item.model(), forcePrune));
            }
        }
        boolean ok = ops.stream().allMatch(o -> o.state() == Operation.State.SUCCEEDED);
        return new Result(plan, ops, ok);
    }

    /** What one reconcile of a service did. */
    public record Result(Plan.ServicePlan plan, List<Operation> operations, boolean converged) {
    }

    Operation pull(String service, ModelsSettings.DeclaredModel m, Long sizeHint) {
        Operation op = operations.start("pull", service, m.name());
        long size = sizeHint != null ? sizeHint : backends.registry().manifest(m.name()).map(RegistryClient.Remote::size).orElse(0L);
        if (!guard(service, op, size)) {
            return op;
        }
        if (!download(service, m.name(), op)) {
            return op;
        }
        Optional<String> failed = verifier.verify(service, m.name(), m.verifyPrompt());
        if (failed.isPresent()) {
            op.finish(Operation.State.FAILED, "pulled, but verification failed: " + failed.get());
        } else {
            op.event("verified: " + m.name() + " answered a test generation");
            op.finish(Operation.State.SUCCEEDED, null);
        }
        return op;
    }

    /**
     * auto_update: copy the current version to a rollback tag, pull, and compare digests. A new version must pass
     * verification, or the rollback tag is copied back under the original name.
     */
    Operation update(String service, ModelsSettings.DeclaredModel m, Long sizeHint) {
        OllamaClient client = backends.ollama(service);
        String before = digestOf(service, m.name());
        String rollback = Names.rollbackTag(m.name());
        Operation op = operations.start("update", service, m.name());
        long size = sizeHint != null ? sizeHint : backends.registry().manifest(m.name()).map(RegistryClient.Remote::size).orElse(0L);
        if (!guard(service, op, size)) {
            return op;
        }
        try {
            client.copy(m.name(), rollback).await().atMost(CHANGE_TIMEOUT);
            op.event("copied " + m.name() + " (" + shortDigest(before) + ") to rollback tag " + rollback);
        } catch (RuntimeException e) {
            op.finish(Operation.State.FAILED, "cannot create the rollback tag " + rollback + ": " + e.getMessage());
            return op;
        }
        if (!download(service, m.name(), op)) {
            dropRollback(service, rollback, op);
            return op;
        }
        String after = digestOf(service, m.name());
        if (after != null && after.equalsIgnoreCase(before)) {
            op.event("no new version: digest still " + shortDigest(after));
            dropRollback(service, rollback, op);
            op.finish(Operation.State.SUCCEEDED, null);
            return op;
        }
        op.event("new version " + shortDigest(after) + " pulled (was " + shortDigest(before) + ")");
        Optional<String> failed = verifier.verify(service, m.name(), m.verifyPrompt());
        if (failed.isEmpty()) {
            op.event("verified: " + m.name() + " answered a test generation");
            dropRollback(service, rollback, op);
            op.finish(Operation.State.SUCCEEDED, null);
            return op;
        }
        op.event("verification failed: " + failed.get());
        try {
            client.copy(rollback, m.name()).await().atMost(CHANGE_TIMEOUT);
            op.event("restored " + m.name() + " from " + rollback + " (" + shortDigest(digestOf(service, m.name())) + ")");
            dropRollback(service, rollback, op);
            op.finish(Operation.State.ROLLED_BACK, "new version failed verification: " + failed.get());
        } catch (RuntimeException e) {
            op.finish(Operation.State.FAILED, "new version failed verification and restoring " + rollback + " failed: " + e.getMessage());
        }
        return op;
    }

    Operation prune(String service, String name, boolean force) {
        Operation op = operations.start("prune", service, name);
        try {
            if (!force && observe(service).mayBeLoaded(Names.key(name))) {
                op.finish(Operation.State.REFUSED, name + " is loaded right now; not removed without force");
                return op;
            }
            backends.ollama(service).delete(name).await().atMost(CHANGE_TIMEOUT);
            op.finish(Operation.State.SUCCEEDED, null);
        } catch (RuntimeException e) {
            op.finish(Operation.State.FAILED, e.getMessage());
        }
        return op;
    }

    private boolean guard(String service, Operation op, long size) {
        if (size > 0) {
            op.expectBytes(size);
        }
        try {
            DiskGuard.Verdict v = disk.check(service, size, backends.settings().ollama().get(service).minFreeDisk());
            if (!v.fits()) {
                op.finish(Operation.State.REFUSED, v.reason());
                return false;
            }
            v.usage().ifPresentOrElse(u -> op.event("disk: " + ByteSizes.format(u.available())
                    + " available on " + u.host()), () -> op.event(v.reason()));
            return true;
        } catch (RuntimeException e) {
            op.finish(Operation.State.REFUSED, "cannot check free disk space: " + e.getMessage());
            return false;
        }
    }

    /** Pulls with retries; each retry resumes the partial download Ollama kept. */
    private boolean download(String service, String name, Operation op) {
        Tuning t = backends.tuning();
        String lastError = null;
        for (int attempt = 1; attempt <= t.pullAttempts(); attempt++) {
            String[] lastStatus = {""};
            try {
                backends.ollama(service).pull(name).onItem().invoke(p -> {
                    if (p.digest() != null && p.total() != null) {
                        op.layerProgress(p.digest(), p.total(), p.completed() == null ? 0 : p.completed());
                    } else if (p.status() != null && !p.status().equals(lastStatus[0]) && !p.status().startsWith("pulling ")) {
                        lastStatus[0] = p.status();
                        op.event(p.status());
                    }
                }).collect().last().await().indefinitely();
                return true;
            } catch (RuntimeException e) {
                lastError = e instanceof UpstreamException u && u.upstreamMessage() != null ? u.upstreamMessage() : e.getMessage();
                op.event("attempt " + attempt + " failed: " + lastError);
                boolean permanent = lastError != null && (lastError.contains("file does not exist") || lastError.contains("newer version"));
                if (permanent || attempt == t.pullAttempts()) {
                    break;
                }
                try {
                    Thread.sleep(t.pullBackoff().toMillis() << (attempt - 1));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        op.finish(Operation.State.FAILED, lastError);
        return false;
    }

    private void dropRollback(String service, String rollback, Operation op) {
        try {
            backends.ollama(service).delete(rollback).await().atMost(CHANGE_TIMEOUT);
            op.event("removed rollback tag " + rollback);
        } catch (RuntimeException e) {
            op.event("could not remove rollback tag " + rollback + ": " + e.getMessage());
        }
    }

    private String digestOf(String service, String name) {
        LocalModel m = observe(service).installed().get(Names.key(name));
        return m == null ? null : m.digest();
    }

    static String shortDigest(String d) {
        return d == null ? "none" : d.substring(0, Math.min(12, d.length()));
    }
}
