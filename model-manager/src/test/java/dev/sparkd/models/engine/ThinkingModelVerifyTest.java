package dev.sparkd.models.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sparkd.models.SimFixture;
import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.Operations;
import dev.sparkd.simulator.testing.SimToml;
import java.util.Map;
import java.util.Optional;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Thinking models (qwen3, gpt-oss) think by default and spend {@code num_predict} on it (Ollama routes.go): the
 * verifier must turn thinking down and leave room for the answer, or every pull fails and every auto-update rolls back.
 */
class ThinkingModelVerifyTest {
    @RegisterExtension
    static final SimFixture fx = new SimFixture(SimToml.resource("thinking-models.toml"));

    @Test
    void thinkingModelsVerifyOnPullAndAutoUpdateDoesNotRollBack() {
        Backends b = fx.backends("""
                [models.ollama-1]
                pull = [{ name = "qwen3:30b", auto_update = true }, { name = "gpt-oss:20b", auto_update = true }]
                min_free_disk = "1GB"
                """);
        Operations ops = new Operations();
        OllamaReconciler reconciler = new OllamaReconciler(b, new DiskGuard(b), ops, new OllamaVerifier(b), Infrastructure.getDefaultWorkerPool());
        OllamaReconciler.Result pulled = reconciler.reconcile("ollama-1", false);
        assertThat(pulled.converged()).isTrue();
        assertThat(pulled.operations()).allSatisfy(op -> {
            assertThat(op.state()).as(op.subject() + ": " + op.error()).isEqualTo(Operation.State.SUCCEEDED);
            assertThat(op.events()).extracting(Operation.Event::message).anyMatch(m -> m.startsWith("verified"));
        });

        fx.sim.control().publishOllamaModel("ollama-1", Map.of("name", "qwen3:30b"));
        OllamaReconciler.Result updated = new OllamaReconciler(b, new DiskGuard(b), ops, new OllamaVerifier(b), Infrastructure.getDefaultWorkerPool()).reconcile("ollama-1", false);
        assertThat(updated.operations()).singleElement().satisfies(op -> {
            assertThat(op.kind()).isEqualTo("update");
            assertThat(op.state()).as(op.error()).isEqualTo(Operation.State.SUCCEEDED);
        });
        assertThat(new OllamaVerifier(b).verify("ollama-1", "gpt-oss:20b", Optional.empty())).isEmpty();
    }
}
