package dev.sparkd.models.engine;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sparkd.models.api.VllmServiceView;
import dev.sparkd.models.metrics.ModelsMetrics;
import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.OperationView;
import dev.sparkd.models.operation.Operations;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The daemon's edge onto the blocking engine: every call that waits on backends runs on {@code workers} (Quarkus'
 * worker pool) and is answered as a {@link Uni}, so the REST resource and the scheduler never block an event loop.
 * At most one reconcile runs at a time, whoever asked for it.
 */
@ApplicationScoped
public class ModelsService {
    private final ModelManager manager;
    private final SwapService swaps;
    private final Operations operations;
    private final ModelsMetrics metrics;
    private final Executor workers;
    private final AtomicBoolean reconciling = new AtomicBoolean();

    public ModelsService(ModelManager manager, SwapService swaps, Operations operations, ModelsMetrics metrics, Executor workers) {
        this.manager = manager;
        this.swaps = swaps;
        this.operations = operations;
        this.metrics = metrics;
        this.workers = workers;
    }

    public Uni<Plan> plan(boolean forcePrune) {
        return Uni.createFrom().item(() -> {
            Plan p = manager.plan(forcePrune);
            metrics.planned(p);
            return p;
        }).runSubscriptionOn(workers);
    }

    /** Starts a reconcile on a worker unless one is running; returns whether it started. */
    public boolean startReconcile() {
        if (!reconciling.compareAndSet(false, true)) {
            return false;
        }
        try {
            workers.execute(this::reconcile);
        } catch (RuntimeException rejected) {
            reconciling.set(false);
            throw rejected;
        }
        return true;
    }

    private void reconcile() {
        try {
            ModelManager.Outcome o = manager.reconcile(false, true);
            metrics.planned(manager.plan(false));
            Log.infof("reconcile: %s (%d operation(s))", o.converged() ? "converged" : "not converged", o.operations().size());
        } catch (RuntimeException e) {
            Log.warnf(e, "reconcile failed: %s", e);
        } finally {
            reconciling.set(false);
        }
    }

    /**
     * Starts a swap: fails with {@link SwapService.NotInCatalog} before anything else happens, with
     * {@link SwapService.Busy} while another swap of the service runs; else the running operation.
     */
    public Uni<Operation> startSwap(String service, String key, boolean force) {
        try {
            swaps.entry(service, key); // only catalog keys go further: no lock, no thread, no SSH for anything else
        } catch (SwapService.NotInCatalog e) {
            return Uni.createFrom().failure(e);
        }
        return Uni.createFrom().item(() -> swaps.start(service, key, workers, true, force)).runSubscriptionOn(workers);
    }

    /**
     * Every vLLM service with its catalog: what the swap page lists. No SSH and no probe; the desired model is one
     * database read (on a worker).
     */
    public Uni<List<VllmServiceView>> vllmServices() {
        return Uni.createFrom().item(this::readVllmServices).runSubscriptionOn(workers);
    }

    private List<VllmServiceView> readVllmServices() {
        return swaps.services().stream().map(name -> new VllmServiceView(name, swaps.hostName(name), swaps.desired(name),
                swaps.lastKnown(name).orElse(null), swaps.runningSwap(name).map(Operation::id).orElse(null),
                swaps.catalog(name).stream().map(e -> new VllmServiceView.Choice(e.key(), e.model(), e.image(),
                        e.loadTimeout().toSeconds())).toList())).toList();
    }

    /** This process's operations, newest first. */
    public List<OperationView> operations() {
        return operations.all().stream().map(Operation::view).sorted(Comparator.comparing(OperationView::startedAt).reversed()).toList();
    }

    public Optional<OperationView> operation(String id) {
        return operations.find(id).map(Operation::view);
    }
}
