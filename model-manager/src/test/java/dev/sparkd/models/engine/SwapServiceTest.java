package dev.sparkd.models.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sparkd.models.SimFixture;
import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.Operations;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/** vLLM swaps over real SSH against the simulated Spark's docker. */
class SwapServiceTest {
    @RegisterExtension
    static final SimFixture fx = new SimFixture("");
    static Backends b;

    @BeforeAll
    static void start() {
        int port = fx.sim.port("vllm-1");
        b = fx.backends("""
                [models.ollama-1]
                pull = []

                [models.vllm-1]
                active = "qwen7b"
                """ + entry("qwen7b", port, """
                model = "Qwen/Qwen2.5-7B-Instruct"
                args = ["--gpu-memory-utilization=0.8"]
                """) + entry("llama8b", port, """
                model = "meta-llama/Llama-3.1-8B-Instruct"
                args = ["--gpu-memory-utilization=0.7", "--max-model-len=8192"]
                env = { HF_HUB_OFFLINE = "1" }
                """) + entry("broken", port, """
                model = "acme/not-in-the-cache"
                args = ["--gpu-memory-utilization=0.8"]
                """) + entry("greedy", port, """
                model = "meta-llama/Llama-3.1-8B-Instruct"
                """));
    }

    /** A catalog entry run as the simulated vllm-1's container on its port; {@code keys} say what sets it apart. */
    static String entry(String name, int port, String keys) {
        return """
                [models.vllm-1.catalog.%s]
                image = "vllm/vllm-openai:v0.11.0"
                container = "vllm-1"
                port = %d
                load_timeout = "30s"
                """.formatted(name, port) + keys;
    }

    @BeforeEach
    void vllmIsUp() throws InterruptedException {
        for (int i = 0; i < 100 && !fx.sim.service("vllm-1").listening(); i++) {
            Thread.sleep(100);
        }
    }

    @Test
    void swapsPassTheGateAndAModelTheHubDoesNotKnowNeverStopsTheServingOne() {
        SwapService swaps = new SwapService(b, new Operations(), SwapLock.LOCAL, new ActiveStore.InMemory());
        assertThat(swaps.plan("vllm-1").items()).as(swaps.plan("vllm-1").toString()).extracting(Plan.Item::action).containsExactly("keep");

        Operation ok = swaps.swapAndWait("vllm-1", "llama8b", true);
        assertThat(ok.state()).as(ok.view().toString()).isEqualTo(Operation.State.SUCCEEDED);
        assertThat(ok.attempts()).extracting(Operation.Attempt::model, Operation.Attempt::outcome)
                .containsExactly(tuple("llama8b", "passed"));
        assertThat(swaps.observe("vllm-1")).contains("llama8b");
        assertThat(swaps.desired("vllm-1")).as("the API choice is kept").isEqualTo("llama8b");
        List<String> commands = fx.sim.spark("spark-1").ssh().commandLog().commands();
        assertThat(commands).anyMatch(c -> c.contains("docker run -d --name vllm-1 ") && c.contains(" '--gpu-memory-utilization=0.7'")
                && c.contains("-e 'HF_HUB_OFFLINE=1'") && c.contains(" serve meta-llama/Llama-3.1-8B-Instruct "));

        // a model the Hub does not know is refused at the weights step, before the serving model is stopped
        fx.sim.control().clearCommands("spark-1");
        Operation failed = swaps.swapAndWait("vllm-1", "broken", true);
        assertThat(failed.state()).as(failed.view().toString()).isEqualTo(Operation.State.ROLLED_BACK);
        assertThat(failed.attempts()).extracting(Operation.Attempt::model, Operation.Attempt::role, Operation.Attempt::outcome)
                .containsExactly(tuple("broken", "swap", "failed"));
        assertThat(failed.attempts().get(0).reason()).contains("RepositoryNotFoundError").contains("acme/not-in-the-cache");
        assertThat(failed.error()).contains("llama8b was not stopped and is serving");
        assertThat(fx.sim.spark("spark-1").ssh().commandLog().commands()).noneMatch(c -> c.contains("docker stop"))
                .noneMatch(c -> c.contains("docker run -d"));
        assertThat(swaps.observe("vllm-1")).contains("llama8b");
        assertThat(swaps.desired("vllm-1")).isEqualTo("llama8b");
    }

    // gpu_worker.py: vLLM's default 0.9 of a GB10 (107.7 GiB) is more than an idle one has CUDA-free (~102 GiB)
    @Test
    void aSwapThatDoesNotFitInFreeMemoryIsRefusedBeforeDockerRunAndRolledBack() {
        SwapService swaps = new SwapService(b, new Operations(), SwapLock.LOCAL, new ActiveStore.InMemory());
        fx.sim.control().clearCommands("spark-1");
        Operation op = swaps.swapAndWait("vllm-1", "greedy", false);
        assertThat(op.state()).as(op.view().toString()).isEqualTo(Operation.State.ROLLED_BACK);
        Operation.Attempt refused = op.attempts().get(0);
        assertThat(refused.model()).isEqualTo("greedy");
        assertThat(refused.reason()).contains("vLLM needs 107.7 GiB (--gpu-memory-utilization 0.9 of 119.7 GiB)")
                .containsPattern("but 10\\d\\.\\d GiB is free");
        assertThat(fx.sim.spark("spark-1").ssh().commandLog().commands())
                .noneMatch(c -> c.startsWith("docker run") && c.contains("Llama-3.1-8B-Instruct") && !c.contains("gpu-memory-utilization"))
                .anyMatch(c -> c.contains("cat /proc/meminfo"));
        assertThat(op.attempts().get(1).outcome()).isEqualTo("passed");
    }

    // forced past our check, vLLM's own start-up check (gpu_worker.py) refuses, the container exits, the swap rolls back
    @Test
    void aForcedSwapThatDoesNotFitFailsTheWayVllmDoesAndRollsBack() {
        SwapService swaps = new SwapService(b, new Operations(), SwapLock.LOCAL, new ActiveStore.InMemory());
        fx.sim.control().clearCommands("spark-1");
        Operation op = swaps.forceSwapAndWait("vllm-1", "greedy");
        assertThat(op.state()).as(op.view().toString()).isEqualTo(Operation.State.ROLLED_BACK);
        List<String> commands = fx.sim.spark("spark-1").ssh().commandLog().commands();
        int forcedRun = indexOf(commands, c -> c.contains("docker run") && c.contains("Llama-3.1-8B-Instruct"));
        assertThat(forcedRun).as("the forced entry was started: " + commands).isNotNegative();
        assertThat(commands.subList(0, forcedRun)).as("no memory check before the forced start").noneMatch(c -> c.contains("/proc/meminfo"));
        Operation.Attempt failed = op.attempts().get(0);
        assertThat(failed.model()).isEqualTo("greedy");
        assertThat(failed.outcome()).isEqualTo("failed");
        assertThat(String.join("\n", failed.logTail())).contains("Free memory on device");
        assertThat(op.attempts().get(1).outcome()).isEqualTo("passed");
    }

    @Test
    void namesOutsideTheCatalogAreRefusedBeforeAnySshCommand() {
        SwapService swaps = new SwapService(b, new Operations(), SwapLock.LOCAL, new ActiveStore.InMemory());
        fx.sim.control().clearCommands("spark-1");
        for (String bad : List.of("x; rm -rf /", "$(reboot)", "qwen7b'", "", "../qwen7b")) {
            assertThatThrownBy(() -> swaps.swapAndWait("vllm-1", bad, true)).isInstanceOf(SwapService.NotInCatalog.class);
        }
        assertThatThrownBy(() -> swaps.swapAndWait("ollama-1", "qwen7b", true)).isInstanceOf(SwapService.NotInCatalog.class);
        assertThat(fx.sim.spark("spark-1").ssh().commandLog().commands()).isEmpty();
    }

    @Test
    void theFilesActiveWinsOnceItChanges() {
        ActiveStore store = new ActiveStore.InMemory();
        store.save("vllm-1", "llama8b", "qwen7b");
        assertThat(store.chosen("vllm-1", "qwen7b")).contains("llama8b");
        assertThat(store.chosen("vllm-1", "broken")).isEmpty();
    }

    @Test
    void theEngineRefusesToBlockAnEventLoop() throws Exception {
        Operations ops = new Operations();
        ModelManager manager = new ModelManager(b, new OllamaReconciler(b, new DiskGuard(b), ops, (s, m, p) -> Optional.empty(),
                Infrastructure.getDefaultWorkerPool()), new SwapService(b, ops, SwapLock.LOCAL, new ActiveStore.InMemory()));
        for (Runnable call : List.<Runnable>of(() -> manager.plan(false), () -> manager.reconcile(false, true))) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            fx.vertx.getDelegate().runOnContext(v -> {
                try {
                    call.run();
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class).hasMessageContaining("event loop");
        }
        assertThat(ops.all()).as("nothing started").isEmpty();
    }

    static int indexOf(List<String> commands, Predicate<String> p) {
        for (int i = 0; i < commands.size(); i++) {
            if (p.test(commands.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
