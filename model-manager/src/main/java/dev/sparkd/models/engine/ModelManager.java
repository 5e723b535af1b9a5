package dev.sparkd.models.engine;

import java.util.ArrayList;
import java.util.List;

import dev.sparkd.models.operation.Operation;
import io.vertx.core.Context;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The whole suite's models: plan every managed service, or reconcile them one after another. Blocking: SSH commands
 * and waits on backends, so it refuses to run on an event loop (the daemon calls it through {@link ModelsService}).
 */
@ApplicationScoped
public class ModelManager {
    private final Backends backends;
    private final OllamaReconciler ollama;
    private final SwapService swaps;

    public ModelManager(Backends backends, OllamaReconciler ollama, SwapService swaps) {
        this.backends = backends;
        this.ollama = ollama;
        this.swaps = swaps;
    }

    public Plan plan(boolean forcePrune) {
        requireWorkerThread("plan");
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
        requireWorkerThread("reconcile");
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
                Operation op = swaps.convergeAndWait(s);
                ops.add(op);
                converged &= op.state() == Operation.State.SUCCEEDED;
            }
        }
        return new Outcome(new Plan(plans), ops, converged);
    }

    /** Fails at once rather than stall every request an event loop serves for minutes. */
    private static void requireWorkerThread(String what) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("the model-manager's " + what + " blocks and must not run on an event loop thread ("
                    + Thread.currentThread().getName() + ")");
        }
    }
}
