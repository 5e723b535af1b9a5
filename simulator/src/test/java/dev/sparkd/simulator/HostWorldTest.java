package dev.sparkd.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sparkd.simulator.config.SimConfig;
import dev.sparkd.simulator.host.Container;
import dev.sparkd.simulator.host.HostFiles;
import dev.sparkd.simulator.ssh.CommandInterpreter;
import dev.sparkd.simulator.ssh.ExecResult;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host world a real Spark has and sparkd's swaps rely on: a Hugging Face cache that fills by downloading (with
 * huggingface_hub's errors for gated repos and offline mode), files written from stdin and read by
 * {@code docker run --env-file}, vLLM's {@code VLLM_API_KEY}, and a reboot that honours restart policies.
 */
class HostWorldTest {
    static final String CACHE = "/home/spark/.cache/huggingface";
    static final String IMAGE = "vllm/vllm-openai:v0.11.0";
    @TempDir
    static Path dir;
    static Simulator sim;
    static CommandInterpreter sh;

    @BeforeAll
    static void start() {
        sim = Simulator.start(SimConfig.parse(TestConfigs.FAST + """
                [vllm.models."test/big"]
                load_delay = "100ms"
                size = "1GB"
                [vllm.models."test/gated"]
                load_delay = "100ms"
                size = "100MB"
                gated = true

                [sparks.gb]
                gpu = "gb10"
                vllm_models = ["test/tiny-chat"]
                hf_download_speed = "1GB"
                disk_total = "100GB"
                disk_used = "10GB"

                [sparks.gb.ssh]
                port = 0
                host_key = "gb_host_ed25519"
                authorized_keys = "authorized_keys"
                """, dir));
        sh = sim.spark("gb").ssh().interpreter();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    static ExecResult run(String line) {
        return sh.execute(line, "spark", InputStream.nullInputStream());
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void anEnvFileWrittenFromStdinReachesTheContainerAndItsApiKeyGuardsV1() throws Exception {
        ExecResult written = sh.execute("install -D -m 600 /dev/stdin .sparkd/env/keyed.env", "spark",
                new ByteArrayInputStream("# secrets\nHF_TOKEN=hf_abc\nVLLM_API_KEY=sk-1\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(written.exitCode()).isZero();
        HostFiles.File file = sim.spark("gb").files().read("/home/spark/.sparkd/env/keyed.env").orElseThrow();
        assertThat(file.mode()).isEqualTo(0600);

        int port = freePort();
        ExecResult started = run("docker run -d --name keyed --restart unless-stopped -p 127.0.0.1:" + port + ":8000 -v " + CACHE
                + ":/root/.cache/huggingface --env-file .sparkd/env/keyed.env -e HF_TOKEN=hf_override --entrypoint vllm " + IMAGE
                + " serve test/tiny-chat --port 8000 --gpu-memory-utilization 0.2");
        assertThat(started.exitCode()).as(started.stderr()).isZero();
        Container c = sim.spark("gb").containers().byName("keyed").orElseThrow();
        assertThat(c.spec().env()).containsEntry("VLLM_API_KEY", "sk-1").containsEntry("HF_TOKEN", "hf_override");
        assertThat(run("docker inspect -f '{{.HostConfig.RestartPolicy.Name}} {{json .HostConfig.Binds}}' keyed").stdout())
                .isEqualTo("unless-stopped [\"" + CACHE + ":/root/.cache/huggingface\"]\n");
        assertThat(run("rm -f .sparkd/env/keyed.env").exitCode()).isZero();
        assertThat(sim.spark("gb").files().all()).isEmpty();

        Http.awaitStatus(port, "/health", 200, Duration.ofSeconds(10));
        assertThat(Http.get(port, "/v1/models").statusCode()).isEqualTo(401);
        assertThat(Http.get(port, "/v1/models").body()).isEqualTo("{\"error\":\"Unauthorized\"}");
        HttpResponse<String> keyed = Http.send(HttpRequest.newBuilder(Http.uri(port, "/v1/models")).header("Authorization", "Bearer sk-1"));
        assertThat(keyed.statusCode()).isEqualTo(200);

        ExecResult missing = run("docker run -d --name nofile --env-file .sparkd/env/gone.env " + IMAGE + " test/tiny-chat");
        assertThat(missing.exitCode()).isEqualTo(125);
        assertThat(missing.stderr()).startsWith("docker: open .sparkd/env/gone.env: no such file or directory");
        run("docker rm -f keyed");
    }

    @Test
    void weightsDownloadIntoTheMountedCacheWithProgressAndTheHubRefusesLikeHuggingfaceHub() throws Exception {
        String mount = " -v " + CACHE + ":/root/.cache/huggingface ";
        ExecResult gated = run("docker run --rm" + mount + "--entrypoint python3 " + IMAGE + " -c script fetch test/gated");
        assertThat(gated.exitCode()).isEqualTo(1);
        assertThat(gated.stdout()).contains("huggingface_hub.errors.GatedRepoError: 401 Client Error.")
                .contains("Access to model test/gated is restricted. You must have access to it and be authenticated to access it.");
        ExecResult offline = run("docker run --rm" + mount + "-e HF_HUB_OFFLINE=1 --entrypoint python3 " + IMAGE + " -c script fetch test/big");
        assertThat(offline.exitCode()).isEqualTo(1);
        assertThat(offline.stdout()).contains("huggingface_hub.errors.LocalEntryNotFoundError: Cannot find an appropriate cached snapshot"
                + " folder for the specified revision on the local disk and outgoing traffic has been disabled.");
        assertThat(run("docker run --rm" + mount + "--entrypoint python3 " + IMAGE + " -c script size test/big").stdout().strip())
                .isEqualTo("1000000000");
        assertThat(run("du -sb " + CACHE + "/hub/models--test--big").exitCode()).as("not in the cache yet").isEqualTo(1);

        long freeBefore = sim.spark("gb").disk().free();
        CompletableFuture<ExecResult> fetch = CompletableFuture.supplyAsync(
                () -> run("docker run --rm --name fetch" + mount + "--entrypoint python3 " + IMAGE + " -c script fetch test/big"));
        long midway = 0;
        while (!fetch.isDone()) {
            ExecResult du = run("du -sb " + CACHE + "/hub/models--test--big");
            if (du.exitCode() == 0) {
                long bytes = Long.parseLong(du.stdout().split("\t")[0]);
                midway = bytes < 1_000_000_000L ? Math.max(midway, bytes) : midway;
            }
            Thread.sleep(100);
        }
        ExecResult done = fetch.get();
        assertThat(done.exitCode()).as(done.stdout()).isZero();
        assertThat(done.stdout()).startsWith("/root/.cache/huggingface/hub/models--test--big/snapshots/");
        assertThat(midway).as("partial bytes seen while it downloaded").isBetween(1L, 999_999_999L);
        assertThat(run("du -sb " + CACHE + "/hub/models--test--big").stdout()).isEqualTo("1000000000\t" + CACHE + "/hub/models--test--big\n");
        assertThat(sim.spark("gb").disk().free()).isEqualTo(freeBefore - 1_000_000_000L);
        assertThat(sim.spark("gb").containers().byName("fetch")).as("--rm").isEmpty();
        assertThat(Http.json(Http.get(sim.controlPort(), "/_sim/hosts/gb/hf-cache").body()).path("test/big").asLong()).isEqualTo(1_000_000_000L);

        // a vLLM container with the cache mounted now starts without a download; a gated model still wants its token
        int port = freePort();
        assertThat(run("docker run -d --name big -p 127.0.0.1:" + port + ":8000" + mount + "--entrypoint vllm " + IMAGE
                + " serve test/big --port 8000 --gpu-memory-utilization 0.2").exitCode()).isZero();
        Http.awaitStatus(port, "/health", 200, Duration.ofSeconds(5));
        run("docker rm -f big");
        assertThat(run("docker run -d --name gated" + mount + "--entrypoint vllm " + IMAGE + " serve test/gated").exitCode()).isZero();
        Container gatedContainer = sim.spark("gb").containers().byName("gated").orElseThrow();
        for (int i = 0; i < 50 && gatedContainer.status() != Container.Status.EXITED; i++) {
            Thread.sleep(100);
        }
        assertThat(gatedContainer.exitCode()).isEqualTo(1);
        assertThat(run("docker logs gated").stdout()).contains("huggingface_hub.errors.GatedRepoError: 401 Client Error.");
        run("docker rm -f gated");
    }

    @Test
    void aRebootStopsEveryContainerAndStartsAgainOnlyThoseItsRestartPolicyNames() throws Exception {
        int keptPort = freePort();
        String mount = " -v " + CACHE + ":/root/.cache/huggingface ";
        assertThat(run("docker run -d --name kept --restart unless-stopped -p 127.0.0.1:" + keptPort + ":8000" + mount
                + "--entrypoint vllm " + IMAGE + " serve test/tiny-chat --port 8000 --gpu-memory-utilization 0.2").exitCode()).isZero();
        assertThat(run("docker run -d --name plain -p 127.0.0.1:" + freePort() + ":8000" + mount + "--entrypoint vllm " + IMAGE
                + " serve test/tiny-chat --port 8000 --gpu-memory-utilization 0.2").exitCode()).isZero();
        assertThat(run("docker run -d --name stopped --restart unless-stopped -p 127.0.0.1:" + freePort() + ":8000" + mount
                + "--entrypoint vllm " + IMAGE + " serve test/tiny-chat --port 8000 --gpu-memory-utilization 0.2").exitCode()).isZero();
        assertThat(run("docker stop stopped").exitCode()).isZero();
        Http.awaitStatus(keptPort, "/health", 200, Duration.ofSeconds(10));

        HttpResponse<String> reboot = Http.post(sim.controlPort(), "/_sim/hosts/gb/reboot?down_ms=200", "{}");
        assertThat(reboot.statusCode()).isEqualTo(200);
        assertThat(Http.json(reboot.body()).path("restarted").toString()).isEqualTo("[\"kept\"]");
        assertThat(run("docker inspect -f '{{.State.Status}} {{.RestartCount}}' kept plain stopped").stdout())
                .isEqualTo("running 1\nexited 0\nexited 0\n");
        Http.awaitStatus(keptPort, "/health", 200, Duration.ofSeconds(10));
        run("docker rm -f kept plain stopped");
    }
}
