package dev.sparkd.models.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sparkd.core.http.HttpTimeouts;
import dev.sparkd.models.SimFixture;
import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.Operations;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Ollama 0.32.10+ holds {@code GET /api/ps} for the whole of a model load (server/sched.go), 10–60 s for a large model
 * on GB10. A reconcile that runs meanwhile must still plan, pull and verify the declared models, and prune nothing it
 * cannot see is idle.
 *
 * <p>The load here takes 50 s, not the 30 s: the reconcile reads {@code /api/ps} with the client's management
 * response timeout ({@link HttpTimeouts#defaults()}, 30 s), so a 30 s load would race it; 50 s is clearly longer, so
 * {@code /api/ps} reliably gives up while the model is still loading, and it outlasts the whole reconcile (about 35 s).
 */
class LongLoadReconcileTest {
    static final Duration LOAD = Duration.ofSeconds(50);

    @RegisterExtension
    static final SimFixture fx = new SimFixture("""
            [ollama.library."qwen2.5-coder:7b"]
            load_delay = "50s"
            """);

    @Test
    void aReconcileCompletesWhileApiPsIsHeldByALongLoad() {
        assertThat(LOAD).isGreaterThan(HttpTimeouts.defaults().response());
        Backends seed = fx.backends("""
                [models.ollama-1]
                pull = ["qwen2.5-coder:7b", "llama3.2:3b"]
                min_free_disk = "1GB"
                """);
        // installed without a verification generation, so neither is loaded yet
        assertThat(new OllamaReconciler(seed, new DiskGuard(seed), new Operations(), (s, m, p) -> Optional.empty(),
                Infrastructure.getDefaultWorkerPool()).reconcile("ollama-1", false).converged()).isTrue();

        long started = System.nanoTime();
        HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fx.sim.port("ollama-1") + "/api/generate"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"qwen2.5-coder:7b\",\"prompt\":\"\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        while (!fx.sim.ollama("ollama-1").loaded().isLoading("qwen2.5-coder:7b")) {
            Thread.onSpinWait();
        }

        Backends b = fx.backends("""
                [models.ollama-1]
                pull = ["qwen2.5-coder:7b", "llama3.2:1b"]
                prune = true
                min_free_disk = "1GB"
                """);
        OllamaReconciler.Result result = new OllamaReconciler(b, new DiskGuard(b), new Operations(), new OllamaVerifier(b),
                Infrastructure.getDefaultWorkerPool()).reconcile("ollama-1", false);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(fx.sim.ollama("ollama-1").loaded().isLoading("qwen2.5-coder:7b"))
                .as("the reconcile ended during the load (after %s)", took).isTrue();
        assertThat(result.plan().error()).isNull();
        assertThat(result.plan().items()).extracting(Plan.Item::action, Plan.Item::model).containsExactly(
                tuple("keep", "qwen2.5-coder:7b"), tuple("pull", "llama3.2:1b"), tuple("skip", "llama3.2:3b"));
        assertThat(result.plan().items().get(2).detail()).contains("/api/ps did not answer");
        assertThat(result.operations()).singleElement().satisfies(op -> {
            assertThat(op.state()).as(op.error()).isEqualTo(Operation.State.SUCCEEDED);
            assertThat(op.events()).extracting(Operation.Event::message).anyMatch(m -> m.startsWith("verified"));
        });
        assertThat(result.converged()).isTrue();
        assertThat(fx.sim.ollama("ollama-1").store().all()).extracting(m -> m.name())
                .contains("qwen2.5-coder:7b", "llama3.2:3b", "llama3.2:1b");
    }
}
