package dev.sparkd.models.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.http.JsonCodec;
import dev.sparkd.core.ssh.RemoteCommand;
import dev.sparkd.models.SimFixture;
import dev.sparkd.models.operation.Operation;
import dev.sparkd.models.operation.OperationView;
import dev.sparkd.models.operation.Operations;
import dev.sparkd.simulator.SimulatedSpark;
import dev.sparkd.simulator.host.Container;
import dev.sparkd.simulator.testing.SimToml;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The swap path a real Spark needs (issue 19): weights fetched into the host's Hugging Face cache with byte progress
 * before anything stops, gated models and their token, HF_HUB_OFFLINE, the disk check, the download's own timeout,
 * secrets through a 0600 env file written from stdin, and convergence after a reboot — over real SSH against the
 * simulated Spark.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwapWeightsTest {
    static final String TOKEN = "hf_SimulatedToken0123456789abcdef";
    static final String API_KEY = "sk-local-6f1d2a9b7c3e4d5f";
    static final String CACHE = "/home/spark/.cache/huggingface";

    @RegisterExtension
    static final SimFixture fx = new SimFixture(SimToml.read("src/test/resources/swap-weights-models.toml"));
    static Backends b;
    static int port;

    @BeforeAll
    static void start() throws IOException {
        Files.writeString(SimFixture.DIR.resolve("hf-token"), TOKEN + "\n");
        Files.writeString(SimFixture.DIR.resolve("vllm-key"), API_KEY + "\n");
        port = fx.sim.port("vllm-1");
        String entries = """
                [models.ollama-1]
                pull = []

                [models.vllm-1]
                active = "qwen7b"
                """ + entry("qwen7b", "Qwen/Qwen2.5-7B-Instruct", "")
                + entry("small", "Qwen/Qwen2.5-0.5B-Instruct", "")
                + entry("gated", "google/gemma-3-1b-it", "")
                + entry("gated_token", "google/gemma-3-1b-it", "hf_token_file = \"" + SimFixture.DIR.resolve("hf-token") + "\"\n")
                + entry("offline_absent", "Qwen/Qwen2.5-1.5B-Instruct", "env = { HF_HUB_OFFLINE = \"1\" }\n")
                + entry("offline_present", "Qwen/Qwen2.5-7B-Instruct", "env = { HF_HUB_OFFLINE = \"1\" }\n")
                + entry("slow", "Qwen/Qwen2.5-3B-Instruct", "fetch_timeout = \"10s\"\n")
                + entry("huge", "Qwen/Qwen2.5-72B-Instruct", "")
                + entry("coder", "Qwen/Qwen2.5-Coder-7B-Instruct", "");
        // the service requires a key: swaps hand it to vLLM as VLLM_API_KEY through the env file
        String text = fx.writeConfigText(entries).replace("[services.vllm-1]\nkind = \"vllm\"\n",
                "[services.vllm-1]\nkind = \"vllm\"\napi_key_file = \"" + SimFixture.DIR.resolve("vllm-key") + "\"\n");
        java.nio.file.Path file = SimFixture.DIR.resolve("weights-" + System.nanoTime() + ".toml");
        Files.writeString(file, text);
        b = new Backends(ConfigLoader.load(file), fx.vertx, fx.ssh, SimFixture.fastTuning());
        spark().hfCache().bytesPerSecond(1_000_000_000L);
    }

    static String entry(String key, String model, String extra) {
        return """
                [models.vllm-1.catalog.%s]
                image = "vllm/vllm-openai:v0.11.0"
                model = "%s"
                args = ["--gpu-memory-utilization=0.7"]
                container = "vllm-1"
                port = %d
                load_timeout = "30s"
                %s
                """.formatted(key, model, port, extra);
    }

    static SimulatedSpark spark() {
        return fx.sim.spark("spark-1");
    }

    static List<String> commands() {
        return spark().ssh().commandLog().commands().stream().map(c -> c.replace("'", "")).toList();
    }

    static SwapService swaps() {
        return new SwapService(b, new Operations(), SwapLock.LOCAL, new ActiveStore.InMemory());
    }

    @Test
    @Order(1)
    void aModelNotYetCachedShowsDownloadProgressThenServesAndTheSecondStartDownloadsNothing() throws InterruptedException {
        SwapService swaps = swaps();
        assertThat(spark().hfCache().present("Qwen/Qwen2.5-0.5B-Instruct")).isZero();
        spark().ssh().commandLog().clear();
        Operation op = swaps.start("vllm-1", "small", r -> new Thread(r, "swap").start(), true);
        long midway = 0;
        while (op.state() == Operation.State.RUNNING) {
            OperationView v = op.view(); // what GET /api/v1/operations/{id} answers
            if (v.bytesDone() > 0 && v.bytesDone() < v.bytesTotal()) {
                midway = v.bytesDone();
            }
            Thread.sleep(50);
        }
        OperationView done = op.view();
        assertThat(op.state()).as(done.toString()).isEqualTo(Operation.State.SUCCEEDED);
        assertThat(midway).as("progress seen while the download ran").isBetween(1L, 2_999_999_999L);
        assertThat(done.bytesTotal()).isEqualTo(3_000_000_000L);
        assertThat(done.bytesDone()).isEqualTo(done.bytesTotal());
        assertThat(done.events()).extracting(Operation.Event::message)
                .anyMatch(m -> m.startsWith("downloading Qwen/Qwen2.5-0.5B-Instruct into spark-1:" + CACHE + " (2.8 GiB of 2.8 GiB"))
                .anyMatch(m -> m.startsWith("downloaded Qwen/Qwen2.5-0.5B-Instruct"));
        List<String> cmds = commands();
        int fetch = indexOf(cmds, c -> c.contains("--entrypoint python3") && c.endsWith(" fetch Qwen/Qwen2.5-0.5B-Instruct"));
        int stop = indexOf(cmds, c -> c.startsWith("timeout") && c.contains("docker stop"));
        assertThat(fetch).as("weights fetched before the serving container stops: " + cmds).isNotNegative().isLessThan(stop);
        assertThat(cmds).anyMatch(c -> c.contains("docker run -d --name vllm-1 --restart unless-stopped ")
                && c.contains(" -p 127.0.0.1:" + port + ":8000 ") && c.contains(" -v " + CACHE + ":/root/.cache/huggingface ")
                && c.contains(" serve Qwen/Qwen2.5-0.5B-Instruct "));
        assertThat(cmds).noneMatch(c -> c.contains("-p " + port) || c.contains("0.0.0.0:" + port));
        assertThat(spark().hfCache().cached("Qwen/Qwen2.5-0.5B-Instruct")).isTrue();

        assertThat(swaps.swapAndWait("vllm-1", "qwen7b", true).state()).isEqualTo(Operation.State.SUCCEEDED);
        spark().ssh().commandLog().clear();
        Operation again = swaps.swapAndWait("vllm-1", "small", true);
        assertThat(again.state()).as(again.view().toString()).isEqualTo(Operation.State.SUCCEEDED);
        assertThat(again.view().bytesTotal()).as("nothing to download").isZero();
        assertThat(again.events()).extracting(Operation.Event::message)
                .anyMatch(m -> m.equals("weights: Qwen/Qwen2.5-0.5B-Instruct is in spark-1:" + CACHE + " (2.8 GiB); no download"));
        assertThat(commands()).noneMatch(c -> c.contains(" fetch Qwen/"));
    }

    @Test
    @Order(2)
    void aGatedModelNeedsItsTokenWhichReachesTheContainerThroughAFileAndNowhereElse() throws Exception {
        SwapService swaps = swaps();
        assertThat(swaps.swapAndWait("vllm-1", "qwen7b", true).state()).isEqualTo(Operation.State.SUCCEEDED);
        spark().ssh().commandLog().clear();
        Operation refused = swaps.swapAndWait("vllm-1", "gated", true);
        assertThat(refused.state()).as(refused.view().toString()).isEqualTo(Operation.State.ROLLED_BACK);
        assertThat(refused.attempts()).extracting(Operation.Attempt::model, Operation.Attempt::outcome).containsExactly(tuple("gated", "failed"));
        assertThat(refused.attempts().get(0).reason()).contains("GatedRepoError: 401 Client Error")
                .contains("Cannot access gated repo for url https://huggingface.co/google/gemma-3-1b-it/resolve/main/config.json")
                .contains("set hf_token_file in [models.vllm-1.catalog.gated]");
        assertThat(commands()).as("the serving container was never stopped, no container started")
                .noneMatch(c -> c.contains("docker stop")).noneMatch(c -> c.contains("docker run -d"));

        spark().ssh().commandLog().clear();
        Operation ok = swaps.swapAndWait("vllm-1", "gated_token", true);
        assertThat(ok.state()).as(ok.view().toString()).isEqualTo(Operation.State.SUCCEEDED);
        Container c = spark().containers().byName("vllm-1").orElseThrow();
        assertThat(c.spec().env()).containsEntry("HF_TOKEN", TOKEN).containsEntry("VLLM_API_KEY", API_KEY);
        assertThat(c.spec().restart()).isEqualTo("unless-stopped");
        List<String> cmds = commands();
        assertThat(cmds).anyMatch(x -> x.equals("timeout -k 5s 30s install -D -m 600 /dev/stdin .sparkd/env/vllm-1.env"))
                .anyMatch(x -> x.contains("docker run -d --name vllm-1 ") && x.contains(" --env-file .sparkd/env/vllm-1.env "))
                .anyMatch(x -> x.equals("timeout -k 5s 30s rm -f .sparkd/env/vllm-1.env"));
        assertThat(String.join("\n", spark().ssh().commandLog().commands())).doesNotContain(TOKEN).doesNotContain(API_KEY);
        String api = JsonCodec.mapper().writeValueAsString(ok.view()) + JsonCodec.mapper().writeValueAsString(refused.view());
        assertThat(api).doesNotContain(TOKEN).doesNotContain(API_KEY).contains("HF_TOKEN, VLLM_API_KEY");
        assertThat(spark().files().all()).as("the env file is gone once docker read it").isEmpty();

        // the key is required now: the gate passed with it, a client without it is refused as vLLM refuses
        HttpResponse<String> noKey = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(noKey.body()).isEqualTo("{\"error\":\"Unauthorized\"}");
    }

    @Test
    @Order(3)
    void withHfHubOfflineTheWeightsAreThereOrTheSwapFailsAtOnce() {
        SwapService swaps = swaps();
        assertThat(swaps.swapAndWait("vllm-1", "qwen7b", true).state()).isEqualTo(Operation.State.SUCCEEDED);
        spark().ssh().commandLog().clear();
        Instant started = Instant.now();
        Operation absent = swaps.swapAndWait("vllm-1", "offline_absent", true);
        assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(absent.state()).as(absent.view().toString()).isEqualTo(Operation.State.ROLLED_BACK);
        assertThat(absent.error()).contains("HF_HUB_OFFLINE is set for offline_absent and the weights of Qwen/Qwen2.5-1.5B-Instruct "
                + "are not in spark-1:" + CACHE).contains("qwen7b was not stopped and is serving");
        assertThat(commands()).noneMatch(c -> c.contains("python3")).noneMatch(c -> c.contains("docker stop"));
        assertThat(swaps.observe("vllm-1")).contains("qwen7b");

        spark().ssh().commandLog().clear();
        Operation present = swaps.swapAndWait("vllm-1", "offline_present", true);
        assertThat(present.state()).as(present.view().toString()).isEqualTo(Operation.State.SUCCEEDED);
        assertThat(commands()).noneMatch(c -> c.contains("python3"));
    }

    @Test
    @Order(4)
    void weightsThatDoNotFitOnTheDiskAreRefusedBeforeTheDownload() {
        SwapService swaps = swaps();
        spark().ssh().commandLog().clear();
        Operation op = swaps.swapAndWait("vllm-1", "huge", true);
        assertThat(op.state()).as(op.view().toString()).isEqualTo(Operation.State.ROLLED_BACK);
        assertThat(op.attempts().get(0).reason()).startsWith("not enough disk space on spark-1:" + CACHE
                + " for Qwen/Qwen2.5-72B-Instruct: needs 155.0 GiB (135.0 GiB to download + min_free_disk 20.0 GiB)");
        assertThat(commands()).noneMatch(c -> c.contains(" fetch Qwen/"));
    }

    @Test
    @Order(5)
    void theDownloadHasItsOwnTimeoutAndKeepsWhatItGot() {
        SwapService swaps = swaps();
        spark().hfCache().bytesPerSecond(200_000_000L); // 6 GB: 30 s, over the entry's 10 s fetch_timeout
        try {
            Instant started = Instant.now();
            Operation op = swaps.swapAndWait("vllm-1", "slow", true);
            assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(25));
            assertThat(op.state()).as(op.view().toString()).isEqualTo(Operation.State.ROLLED_BACK);
            assertThat(op.attempts().get(0).reason()).contains("did not finish within fetch_timeout 10 s");
            assertThat(spark().hfCache().present("Qwen/Qwen2.5-3B-Instruct")).isBetween(1L, 5_999_999_999L);
            assertThat(spark().containers().byName("sparkd-fetch-vllm-1")).isEmpty();
            assertThat(swaps.observe("vllm-1")).isPresent();
        } finally {
            spark().hfCache().bytesPerSecond(1_000_000_000L);
        }
    }

    @Test
    @Order(6)
    void afterARebootTheServiceConvergesToItsPersistedModel() throws InterruptedException {
        ActiveStore store = new ActiveStore.InMemory();
        Operations ops = new Operations();
        SwapService swaps = new SwapService(b, ops, SwapLock.LOCAL, store);
        ModelManager manager = new ModelManager(b, new OllamaReconciler(b, new DiskGuard(b), ops, (s, m, p) -> Optional.empty(),
                Infrastructure.getDefaultWorkerPool()), swaps);
        assertThat(swaps.swapAndWait("vllm-1", "coder", true).state()).isEqualTo(Operation.State.SUCCEEDED);
        assertThat(swaps.desired("vllm-1")).isEqualTo("coder");

        // the restart policy starts the container again; the reconcile waits for it instead of restarting it
        assertThat(spark().reboot(Duration.ofMillis(200))).containsExactly("vllm-1");
        spark().ssh().commandLog().clear();
        ModelManager.Outcome converge = manager.reconcile(false, true);
        assertThat(converge.operations()).hasSize(1);
        Operation op = converge.operations().get(0);
        assertThat(op.state()).as(op.view().toString()).isEqualTo(Operation.State.SUCCEEDED);
        assertThat(op.attempts()).extracting(Operation.Attempt::model, Operation.Attempt::role, Operation.Attempt::outcome)
                .containsExactly(tuple("coder", "converge", "passed"));
        assertThat(commands()).noneMatch(c -> c.contains("docker run -d")).noneMatch(c -> c.contains("docker stop"));
        assertThat(spark().containers().byName("vllm-1").orElseThrow().restartCount()).isEqualTo(1);

        // stopped by hand, unless-stopped keeps it down after the next reboot: the reconcile starts it
        assertThat(b.run("vllm-1", RemoteCommand.of("docker", "stop", "vllm-1"), Duration.ofSeconds(30)).succeeded()).isTrue();
        assertThat(spark().reboot(Duration.ofMillis(200))).isEmpty();
        spark().ssh().commandLog().clear();
        ModelManager.Outcome relaunch = manager.reconcile(false, true);
        Operation again = relaunch.operations().get(0);
        assertThat(again.state()).as(again.view().toString()).isEqualTo(Operation.State.SUCCEEDED);
        assertThat(again.attempts()).extracting(Operation.Attempt::model, Operation.Attempt::role, Operation.Attempt::outcome)
                .containsExactly(tuple("coder", "swap", "passed"));
        assertThat(commands()).anyMatch(c -> c.contains("docker run -d --name vllm-1 ") && c.contains(" serve Qwen/Qwen2.5-Coder-7B-Instruct "));
        assertThat(swaps.observe("vllm-1")).contains("coder");
    }

    static int indexOf(List<String> commands, java.util.function.Predicate<String> p) {
        for (int i = 0; i < commands.size(); i++) {
            if (p.test(commands.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
