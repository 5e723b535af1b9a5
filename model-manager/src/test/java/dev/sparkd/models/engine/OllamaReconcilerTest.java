package dev.sparkd.models.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sparkd.core.ollama.GenerateRequest;
import dev.sparkd.models.SimFixture;
import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.OperationView;
import dev.sparkd.models.operation.Operations;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/** The Ollama side against a simulated Spark: real HTTP to Ollama, real SSH for df. */
class OllamaReconcilerTest {
    @RegisterExtension
    static final SimFixture fx = new SimFixture("");

    @BeforeEach
    void clean() {
        fx.sim.control().clearFaults("ollama-1");
        fx.sim.control().clearHostFault("spark-1", null);
        for (var m : fx.sim.ollama("ollama-1").store().all()) {
            fx.sim.ollama("ollama-1").store().delete(m.name());
        }
    }

    OllamaReconciler reconciler(Backends b, Operations ops, Verifier v) {
        return new OllamaReconciler(b, new DiskGuard(b), ops, v, Infrastructure.getDefaultWorkerPool());
    }

    OllamaReconciler reconciler(Backends b, Operations ops) {
        return reconciler(b, ops, new OllamaVerifier(b));
    }

    List<String> installed() {
        return fx.sim.ollama("ollama-1").store().all().stream().map(m -> m.name()).sorted().toList();
    }

    @Test
    void emptyOllamaConvergesThenASecondReconcileDoesNothingThenAChangedFilePlansExactlyTheDifferences() {
        Backends b = fx.backends("""
                [models.ollama-1]
                pull = ["llama3.2", { name = "llama3.2:1b", verify_prompt = "Say hi" }]
                min_free_disk = "1GB"
                """);
        Operations ops = new Operations();
        OllamaReconciler r = reconciler(b, ops);

        OllamaReconciler.Result first = r.reconcile("ollama-1", false);
        assertThat(first.converged()).as(first.operations().stream().map(o -> o.view().toString()).toList().toString()).isTrue();
        assertThat(first.operations()).extracting(Operation::kind).containsExactly("pull", "pull");
        assertThat(installed()).containsExactly("llama3.2:1b", "llama3.2:latest");
        Operation pull = first.operations().get(0);
        assertThat(pull.bytesDone()).isEqualTo(pull.bytesTotal()).isGreaterThan(1_000_000_000L);
        assertThat(pull.events()).extracting(Operation.Event::message).anyMatch(m -> m.startsWith("verified"));

        int pullsBefore = pullRequests();
        OllamaReconciler.Result second = r.reconcile("ollama-1", false);
        assertThat(second.converged()).isTrue();
        assertThat(second.operations()).isEmpty();
        assertThat(second.plan().items()).extracting(Plan.Item::action).containsOnly("keep");
        assertThat(pullRequests()).as("a present model is never downloaded again").isEqualTo(pullsBefore);

        Backends changed = fx.backends("""
                [models.ollama-1]
                pull = ["llama3.2:latest", "qwen2.5-coder:7b"]
                prune = true
                """);
        Plan.ServicePlan plan = reconciler(changed, ops).plan("ollama-1", false);
        assertThat(plan.items()).extracting(Plan.Item::action, Plan.Item::model).containsExactlyInAnyOrder(
                tuple("keep", "llama3.2:latest"),
                tuple("pull", "qwen2.5-coder:7b"),
                tuple("prune", "llama3.2:1b"));
        assertThat(plan.items().stream().filter(i -> i.action().equals("pull")).findFirst().orElseThrow().bytes()).isGreaterThan(4_000_000_000L);
    }

    @Test
    void maxParallelPullsRunsThatManyAtOnceAndReportsThemInPlanOrder() {
        Backends b = fx.backends("""
                [models.ollama-1]
                pull = ["llama3.2:1b", "llama3.2:3b"]
                min_free_disk = "1GB"
                max_parallel_pulls = 2
                """);
        OllamaReconciler.Result r = reconciler(b, new Operations(), (s, m, p) -> Optional.empty()).reconcile("ollama-1", false);
        assertThat(r.converged()).isTrue();
        assertThat(r.operations()).extracting(Operation::subject).containsExactly("llama3.2:1b", "llama3.2:3b");
        OperationView first = r.operations().get(0).view();
        OperationView second = r.operations().get(1).view();
        assertThat(Instant.parse(second.startedAt())).as("the second pull started before the first one ended")
                .isBefore(Instant.parse(first.finishedAt()));
        assertThat(installed()).containsExactly("llama3.2:1b", "llama3.2:3b");
    }

    @Test
    void pruneMatchesExactNamesAndSparesLoadedModelsUnlessForced() {
        fx.sim.ollama("ollama-1").store();
        Backends seed = fx.backends("""
                [models.ollama-1]
                pull = ["llama3.2:1b", "llama3.2:3b", "qwen2.5-coder:7b"]
                min_free_disk = "1GB"
                """);
        assertThat(reconciler(seed, new Operations(), (s, m, p) -> Optional.empty()).reconcile("ollama-1", false).converged()).isTrue();
        // load qwen2.5-coder so it shows in /api/ps
        seed.ollama("ollama-1").generate(GenerateRequest.of("qwen2.5-coder:7b", "hi")).await().indefinitely();

        Backends b = fx.backends("""
                [models.ollama-1]
                pull = ["llama3.2"]
                prune = true
                min_free_disk = "1GB"
                """);
        Operations ops = new Operations();
        OllamaReconciler r = reconciler(b, ops, (s, m, p) -> Optional.empty());
        Plan.ServicePlan plan = r.plan("ollama-1", false);
        assertThat(plan.items()).extracting(Plan.Item::action, Plan.Item::model).contains(
                tuple("prune", "llama3.2:1b"),
                tuple("skip", "qwen2.5-coder:7b"));
        OllamaReconciler.Result result = r.reconcile("ollama-1", false);
        // llama3.2:3b has the same content as llama3.2:latest, but a different name: declared "llama3.2" does not keep it
        assertThat(installed()).contains("llama3.2:latest", "qwen2.5-coder:7b").doesNotContain("llama3.2:1b", "llama3.2:3b");
        assertThat(r.reconcile("ollama-1", true).operations()).extracting(Operation::subject).containsExactly("qwen2.5-coder:7b");
        assertThat(installed()).containsExactly("llama3.2:latest");
        assertThat(result.operations()).allMatch(o -> o.state() == Operation.State.SUCCEEDED);
    }

    @Test
    void pullFailingAt40PercentFailsWithOllamasTextAndCompletesOnRecovery() {
        fx.sim.control().setFault("ollama-1", Fault.fromMap(Map.of("type", "pull_fail_at", "percent", 40, "message", "max retries exceeded: connection reset by peer")));
        Backends b = fx.backends("""
                [models.ollama-1]
                pull = ["llama3.2:3b"]
                min_free_disk = "1GB"
                """);
        Operations ops = new Operations();
        OllamaReconciler r = reconciler(b, ops);
        OllamaReconciler.Result failed = r.reconcile("ollama-1", false);
        assertThat(failed.converged()).isFalse();
        Operation op = failed.operations().get(0);
        assertThat(op.state()).isEqualTo(Operation.State.FAILED);
        assertThat(op.error()).contains("max retries exceeded: connection reset by peer");
        assertThat(op.events()).extracting(Operation.Event::message).filteredOn(m -> m.startsWith("attempt")).hasSize(2);
        assertThat(op.bytesDone()).isGreaterThan(0).isLessThan(op.bytesTotal());

        fx.sim.control().clearFaults("ollama-1");
        OllamaReconciler.Result recovered = r.reconcile("ollama-1", false);
        assertThat(recovered.converged()).isTrue();
        assertThat(installed()).containsExactly("llama3.2:3b");
    }

    @Test
    void diskFullRefusesThePullBeforeAnyByteWithNeededAndAvailable() {
        fx.sim.control().setHostFault("spark-1", Fault.of(FaultType.DISK_FULL));
        Backends b = fx.backends("""
                [models.ollama-1]
                pull = ["llama3.2:3b"]
                min_free_disk = "5GB"
                """);
        int pullsBefore = pullRequests();
        OllamaReconciler.Result result = reconciler(b, new Operations()).reconcile("ollama-1", false);
        Operation op = result.operations().get(0);
        assertThat(op.state()).isEqualTo(Operation.State.REFUSED);
        assertThat(op.error()).contains("not enough disk space on spark-1").containsPattern("needs 6\\.\\d GiB \\(model 1\\.\\d GiB \\+ min_free_disk 4\\.7 GiB\\), 0 B available");
        assertThat(pullRequests()).as("no byte transferred: /api/pull never called").isEqualTo(pullsBefore);
        assertThat(fx.sim.spark("spark-1").ssh().commandLog().commands()).anyMatch(c -> c.contains("df' '-B1'") || c.contains("df -B1"));
    }

    @Test
    void movedTagWithAutoUpdateIsPulledVerifiedAndRestoredWhenVerificationFails() {
        Backends b = fx.backends("""
                [models.ollama-1]
                pull = [{ name = "qwen2.5-coder:7b", auto_update = true }]
                min_free_disk = "1GB"
                """);
        Operations ops = new Operations();
        assertThat(reconciler(b, ops).reconcile("ollama-1", false).converged()).isTrue();
        String v1 = digest("qwen2.5-coder:7b");
        assertThat(reconciler(b, ops).plan("ollama-1", false).items()).extracting(Plan.Item::action).containsExactly("keep");

        String v2 = fx.sim.control().publishOllamaModel("ollama-1", Map.of("name", "qwen2.5-coder:7b"));
        Plan.ServicePlan plan = reconciler(b, ops).plan("ollama-1", false);
        assertThat(plan.items()).extracting(Plan.Item::action).containsExactly("update");
        OllamaReconciler.Result updated = reconciler(b, ops).reconcile("ollama-1", false);
        assertThat(updated.converged()).isTrue();
        Operation up = updated.operations().get(0);
        assertThat(up.kind()).isEqualTo("update");
        assertThat(up.events()).extracting(Operation.Event::message)
                .anyMatch(m -> m.contains("rollback tag qwen2.5-coder:7b-sparkd-rollback"))
                .anyMatch(m -> m.startsWith("verified"));
        assertThat(digest("qwen2.5-coder:7b")).isEqualTo(v2).isNotEqualTo(v1);

        fx.sim.control().publishOllamaModel("ollama-1", Map.of("name", "qwen2.5-coder:7b"));
        Verifier failing = (s, m, p) -> Optional.of("forced failure");
        OllamaReconciler.Result rolled = reconciler(b, ops, failing).reconcile("ollama-1", false);
        Operation rb = rolled.operations().get(0);
        assertThat(rb.state()).isEqualTo(Operation.State.ROLLED_BACK);
        assertThat(rb.error()).contains("forced failure");
        assertThat(digest("qwen2.5-coder:7b")).as("previous version restored under the original name").isEqualTo(v2);
        assertThat(installed()).containsExactly("qwen2.5-coder:7b");
        // the restored model still answers
        assertThat(new OllamaVerifier(b).verify("ollama-1", "qwen2.5-coder:7b", Optional.empty())).isEmpty();
    }

    String digest(String name) {
        return fx.sim.ollama("ollama-1").store().find(name).orElseThrow().manifest().digest();
    }

    int pullRequests() {
        return (int) fx.sim.control().requests("ollama-1").stream().filter(r -> r.path().equals("/api/pull")).count();
    }
}
