package dev.sparkd.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.jcraft.jsch.JSchException;
import dev.sparkd.simulator.config.SimConfig;
import dev.sparkd.simulator.ssh.ExecResult;
import dev.sparkd.simulator.ssh.SshClients;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One {@link Simulator} serving HTTP, SSH and a cloud provider, driven by real clients: JSch with strict host-key
 * checking against the generated known_hosts and the generated OpenSSH client key, java.net.http for the rest.
 */
class SshAndCloudWiringTest {
    @TempDir
    static Path dir;
    private static Simulator sim;
    private static Path key;
    private static Path knownHosts;

    @BeforeAll
    static void start() {
        // relative paths resolve against the temp dir, as a config file's would against its directory
        String credentials = "[simulator]\nclient_key = \"state/id_ed25519\"\nknown_hosts = \"state/known_hosts\"\n";
        sim = Simulator.start(SimConfig.parse(TestConfigs.FAST.replace("[simulator]\n", credentials) + """
                [cloud.openai]
                port = 0
                api_key_file = "state/cloud-api-key"
                ttft = "1ms"
                tokens_per_second = 0

                [sparks.gb]
                gpu = "gb10"
                vllm_models = ["test/tiny-chat"]

                [sparks.gb.ssh]
                port = 0
                host_key = "state/ssh/gb_host_ed25519"
                authorized_keys = "state/ssh/authorized_keys"

                [sparks.gb.services.vllm-a]
                kind = "vllm"
                port = 0
                model = "test/tiny-chat"
                gpu_memory_utilization = 0.4   # leaves room for a second engine on this GB10

                [sparks.gb.services.ollama-a]
                kind = "ollama"
                port = 0

                [sparks.box]
                gpu = "discrete"

                [sparks.box.ssh]
                port = 0
                host_key = "state/ssh/box_host_ed25519"
                authorized_keys = "state/ssh/authorized_keys"
                """, dir));
        key = dir.resolve("state/id_ed25519");
        knownHosts = dir.resolve("state/known_hosts");
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private static ExecResult ssh(String spark, String command) throws Exception {
        return SshClients.jsch(sim.spark(spark).ssh().port(), key, knownHosts, command);
    }

    @Test
    void generatedCredentialsAreOpenSshFilesAClientCanUse() throws Exception {
        assertThat(Files.readString(key)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String pub = Files.readString(dir.resolve("state/id_ed25519.pub"));
        assertThat(pub).startsWith("ssh-ed25519 ");
        assertThat(Files.readString(dir.resolve("state/ssh/authorized_keys"))).contains(pub.split(" ")[1]);

        List<String> lines = Files.readAllLines(knownHosts);
        assertThat(lines).containsExactlyInAnyOrder(sim.spark("gb").ssh().knownHostsLine(), sim.spark("box").ssh().knownHostsLine());
        assertThat(lines.get(0)).matches("\\[127\\.0\\.0\\.1]:\\d+ ssh-ed25519 AAAA\\S+");

        assertThat(ssh("gb", "hostname").stdout()).isEqualTo("gb\n");
        assertThat(ssh("box", "uname -m").stdout()).isEqualTo("x86_64\n");
    }

    @Test
    void aWrongKnownHostsLineIsRejected() throws Exception {
        // the other spark's key under this spark's address: exactly what a changed host key looks like
        int port = sim.spark("gb").ssh().port();
        String otherKey = sim.spark("box").ssh().knownHostsLine().split(" ", 2)[1];
        Path wrong = dir.resolve("wrong_known_hosts");
        Files.writeString(wrong, "[127.0.0.1]:" + port + " " + otherKey + "\n");
        int before = sim.spark("gb").ssh().commandLog().entries().size();
        assertThatThrownBy(() -> SshClients.jsch(port, key, wrong, "hostname"))
                .isInstanceOf(JSchException.class).hasMessageContaining("HostKey");
        assertThat(sim.spark("gb").ssh().commandLog().entries()).hasSize(before);
    }

    @Test
    void nvidiaSmiOnGb10HasNoMemoryAndShowsTheHotFault() throws Exception {
        ExecResult r = ssh("gb", "nvidia-smi --query-gpu=name,memory.used --format=csv,noheader");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("NVIDIA GB10, [N/A]\n");

        int control = sim.controlPort();
        assertThat(Http.put(control, "/_sim/hosts/gb/fault", "{\"type\":\"gpu_hot\",\"celsius\":97}").statusCode()).isEqualTo(200);
        try {
            int hot = Integer.parseInt(ssh("gb", "nvidia-smi --query-gpu=temperature.gpu --format=csv,noheader,nounits").stdout().strip());
            assertThat(hot).isBetween(95, 99);
        } finally {
            Http.delete(control, "/_sim/hosts/gb/faults", null);
        }
        int cool = Integer.parseInt(ssh("gb", "nvidia-smi --query-gpu=temperature.gpu --format=csv,noheader,nounits").stdout().strip());
        assertThat(cool).isLessThan(60);
    }

    @Test
    void aSlowHostFaultSlowsEveryCommand() throws Exception {
        Http.put(sim.controlPort(), "/_sim/hosts/box/fault", "{\"type\":\"slow\",\"delay_ms\":400}");
        try {
            long t0 = System.nanoTime();
            ssh("box", "true");
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(400);
        } finally {
            Http.delete(sim.controlPort(), "/_sim/hosts/box/fault?type=slow", null);
        }
        assertThat(sim.spark("box").ssh().interpreter().latency()).isZero();
    }

    @Test
    void theConfiguredVllmRunsInAContainerNamedAfterTheService() throws Exception {
        ExecResult ps = ssh("gb", "docker ps --format '{{.Names}} {{.Image}} {{.Ports}}'");
        int port = sim.port("vllm-a");
        assertThat(ps.stdout()).contains("vllm-a vllm/vllm-openai:v0.11.0 0.0.0.0:" + port + "->8000/tcp");
        // its port is taken, as on a real host
        assertThat(ssh("gb", "docker run -d --name other -p " + port + ":8000 vllm/vllm-openai:v0.11.0 --model test/tiny-chat")
                .stderr()).contains("port is already allocated");
        ssh("gb", "docker rm other");
    }

    @Test
    void dockerRunOverSshStartsAVllmThatServesAndDockerStopClosesIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        sim.spark("gb").ssh().commandLog().clear();
        ExecResult run = ssh("gb", "docker run -d --name v2 --gpus all -p " + port + ":8000 vllm/vllm-openai:v0.11.0 --model test/tiny-chat --gpu-memory-utilization 0.3");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).matches("[0-9a-f]{64}\n");
        await(() -> status(port) == 200);
        assertThat(Http.get(port, "/v1/models").body()).contains("\"id\":\"test/tiny-chat\"");
        assertThat(ssh("gb", "docker ps --format '{{.Names}}'").stdout()).contains("v2\n");
        assertThat(sim.hasService("v2")).isTrue();

        assertThat(ssh("gb", "docker stop v2").stdout()).isEqualTo("v2\n");
        await(() -> status(port) == -1);
        assertThat(ssh("gb", "docker ps -a --filter name=v2 --format '{{.Status}}'").stdout()).startsWith("Exited (137)");
        ssh("gb", "docker rm v2");

        JsonNode commands = Http.JSON.readTree(Http.get(sim.controlPort(), "/_sim/hosts/gb/commands").body()).get("commands");
        assertThat(commands.findValuesAsText("command")).startsWith(
                "docker run -d --name v2 --gpus all -p " + port + ":8000 vllm/vllm-openai:v0.11.0 --model test/tiny-chat --gpu-memory-utilization 0.3");
        assertThat(commands.findValuesAsText("command")).contains("docker stop v2");
        assertThat(commands.get(0).get("exit_code").asInt()).isZero();
        assertThat(commands.get(0).get("user").asText()).isEqualTo("spark");
        assertThat(Http.delete(sim.controlPort(), "/_sim/hosts/gb/commands", null).body()).isEqualTo("{\"commands\":[]}");
        assertThat(Http.get(sim.controlPort(), "/_sim/hosts/nope/commands").statusCode()).isEqualTo(404);
    }

    @Test
    void stateShowsSshAndCloud() throws Exception {
        JsonNode state = Http.JSON.readTree(Http.get(sim.controlPort(), "/_sim/state").body());
        JsonNode gb = state.get("sparks").get(0);
        assertThat(gb.get("ssh").get("port").asInt()).isEqualTo(sim.spark("gb").ssh().port());
        assertThat(gb.get("ssh").get("host_key_fingerprint").asText()).isEqualTo(sim.spark("gb").ssh().hostKeyFingerprint()).startsWith("SHA256:");
        assertThat(gb.get("containers").findValuesAsText("name")).contains("vllm-a");
        assertThat(state.get("clouds").get(0).get("port").asInt()).isEqualTo(sim.openAi().port());
    }

    @Test
    void theCloudAcceptsTheGeneratedKeyOnlyAndItsLogIsServed() throws Exception {
        String generated = Files.readString(dir.resolve("state/cloud-api-key")).strip();
        assertThat(generated).matches("sk-sim-[0-9a-f]{32}");
        assertThat(Files.getPosixFilePermissions(dir.resolve("state/cloud-api-key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(sim.cloud("openai").apiKey()).isEqualTo(generated);
        String body = "{\"model\":\"gpt-4.1-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+2? Reply with just the number.\"}]}";

        assertThat(chat(generated, body).statusCode()).isEqualTo(200);
        assertThat(chat("sk-sim-00000000000000000000000000000000", body).statusCode()).isEqualTo(401);

        JsonNode requests = Http.JSON.readTree(Http.get(sim.controlPort(), "/_sim/cloud/openai/requests").body()).get("requests");
        assertThat(requests.findValuesAsText("status")).contains("200", "401");
        assertThat(requests.get(0).get("key_id").asText()).isEqualTo("\u2026" + generated.substring(generated.length() - 4));

        assertThat(Http.put(sim.controlPort(), "/_sim/cloud/openai/fault", "{\"type\":\"server_error\"}").statusCode()).isEqualTo(200);
        assertThat(chat(generated, body).statusCode()).isEqualTo(500);
        assertThat(Http.delete(sim.controlPort(), "/_sim/cloud/openai/fault", null).statusCode()).isEqualTo(200);
        assertThat(chat(generated, body).statusCode()).isEqualTo(200);
        assertThat(Http.get(sim.controlPort(), "/_sim/cloud/anthropic/requests").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> chat(String key, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sim.openAi().baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** HTTP status of GET /health, -1 when the port is closed. */
    private static int status(int port) {
        try {
            return Http.get(port, "/health").statusCode();
        } catch (ConnectException e) {
            return -1;
        } catch (Exception e) {
            return -2;
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10s");
            }
            Thread.sleep(50);
        }
    }
}
