package dev.sparkd.models.engine;

import java.util.ArrayList;
import java.util.List;

import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.Operations;

/** The whole suite's models: plan every managed service, or reconcile them one after another. Blocking (worker). */
public final class ModelManager {
    private final Backends backends;
    private final OllamaReconciler ollama;
    private final SwapService swaps;
    private final DiskGuard disk;
    private final Operations operations;

    public ModelManager(Backends backends, Operations operations, Verifier verifier, SwapLock lock, ActiveStore store) {
        this.backends = backends;
        this.operations = operations;
        this.disk = new DiskGuard(backends);
        this.ollama = new OllamaReconciler(backends, disk, operations, verifier == null ? new OllamaVerifier(backends) : verifier);
        this.swaps = new SwapService(backends, operations, lock, store);
    }

    public SwapService swaps() {
        return swaps;
    }

    public DiskGuard disk() {
        return disk;
    }

    public Operations operations() {
        return operations;
    }

    public Backends backends() {
        return backends;
    }

    public Plan plan(boolean forcePrune) {
        List<Plan.ServicePlan> out = new ArrayList<>();
        backends.settings().ollama().keySet().forEach(s -> out.add(ollama.plan(s, forcePrune)));
        backends.settings().vllm().keySet().forEach(s -> out.add(swaps.plan(s)));
        return new Plan(out);
    }

    /** What a reconcile did. */
    public record Outcome(Plan plan, List<Operation> operations, boolean converged) {
    }

    /**
     * Applies the plan: Ollama services always; vLLM services only when {@code includeVllm} (the daemon does; the
     * one-shot mode leaves swaps to the daemon, which knows choices made through the API).
     */
    public Outcome reconcile(boolean forcePrune, boolean includeVllm) {
        List<Plan.ServicePlan> plans = new ArrayList<>();
        List<Operation> ops = new ArrayList<>();
        boolean converged = true;
        for (String s : backends.settings().ollama().keySet()) {
            OllamaReconciler.Result r = ollama.reconcile(s, forcePrune);
            plans.add(r.plan());
            ops.addAll(r.operations());
            converged &= r.converged();
        }
        for (String s : backends.settings().vllm().keySet()) {
            Plan.ServicePlan p = swaps.plan(s);
            plans.add(p);
            if (includeVllm && p.items().stream().anyMatch(Plan.Item::isChange) && swaps.runningSwap(s).isEmpty()) {
                Operation op = swaps.swapAndWait(s, swaps.desired(s), false);
                ops.add(op);
                converged &= op.state() == Operation.State.SUCCEEDED;
            }
        }
        return new Outcome(new Plan(plans), ops, converged);
    }
}
