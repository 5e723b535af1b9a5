package dev.sparkd.simulator.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkd.simulator.host.Container;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the simulated Spark with the two SSH clients sparkd meets in practice: JSch and OpenSSH. */
class SimSshServerTest {
    @TempDir
    static Path dir;
    static Path clientKey;
    static Path knownHosts;
    static TestHosts.FakeBackend backend;
    static SshHost host;
    static SimSshServer server;

    @BeforeAll
    static void start() throws Exception {
        clientKey = SshClients.keygen(dir, "id_ed25519");
        Path authorized = dir.resolve("authorized_keys");
        Files.copy(dir.resolve("id_ed25519.pub"), authorized);
        backend = new TestHosts.FakeBackend();
        host = TestHosts.gb10(backend);
        server = new SimSshServer(host, dir.resolve("ssh_host_ed25519_key"), authorized, 0);
        server.start();
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, server.knownHostsLine() + "\n");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void clearLog() {
        server.commandLog().clear();
    }

    ExecResult jsch(String command) throws Exception {
        return SshClients.jsch(server.port(), clientKey, knownHosts, command);
    }

    ExecResult openssh(String command) throws Exception {
        return SshClients.openssh(server.port(), clientKey, knownHosts, command);
    }

    @Test
    void gb10PrintsNaForEveryMemoryFieldOverJsch() throws Exception {
        ExecResult r = jsch("nvidia-smi --query-gpu=name,memory.total,memory.used,memory.free,utilization.gpu,temperature.gpu "
                + "--format=csv,noheader,nounits");
        assertThat(r.exitCode()).isZero();
        String[] f = r.stdout().strip().split(", ");
        assertThat(f).hasSize(6);
        assertThat(f[0]).isEqualTo("NVIDIA GB10");
        assertThat(List.of(f[1], f[2], f[3])).containsOnly("[N/A]");
        assertThat(Integer.parseInt(f[4])).isBetween(0, 100);
        assertThat(Integer.parseInt(f[5])).isBetween(25, 80);
    }

    @Test
    void discreteCardReportsRealMemoryNumbers() throws Exception {
        TestHosts.FakeBackend discreteBackend = new TestHosts.FakeBackend();
        SshHost rtx = TestHosts.discrete(discreteBackend);
        Path own = Files.createTempDirectory(dir, "rtx");
        try (SimSshServer s = new SimSshServer(rtx, own.resolve("hostkey"), dir.resolve("authorized_keys"), 0)) {
            s.start();
            Path kh = own.resolve("known_hosts");
            Files.writeString(kh, s.knownHostsLine() + "\n");
            String query = "nvidia-smi --query-gpu=name,memory.total,memory.used,memory.free --format=csv,noheader,nounits";
            String[] idle = SshClients.jsch(s.port(), clientKey, kh, query).stdout().strip().split(", ");
            assertThat(idle[0]).isEqualTo("NVIDIA RTX 6000 Ada Generation");
            assertThat(Long.parseLong(idle[1])).isEqualTo(49_140);
            long usedIdle = Long.parseLong(idle[2]);
            assertThat(usedIdle + Long.parseLong(idle[3])).isLessThanOrEqualTo(49_140);

            SshClients.openssh(s.port(), clientKey, kh, "docker run -d --name v --gpus all 'vllm/vllm-openai:v0.11.0' m "
                    + "--gpu-memory-utilization 0.5");
            String[] busy = SshClients.openssh(s.port(), clientKey, kh, query).stdout().strip().split(", ");
            assertThat(Long.parseLong(busy[2]) - usedIdle).isEqualTo(49_140 / 2);
            assertThat(SshClients.jsch(s.port(), clientKey, kh, "uname -m").stdout()).isEqualTo("x86_64\n");
        }
    }

    @Test
    void headerAndUnitsVariantMatchesNvidiaSmi() throws Exception {
        ExecResult r = openssh("nvidia-smi --query-gpu=memory.total,memory.used,utilization.gpu,power.draw,clocks.sm --format=csv");
        String[] lines = r.stdout().split("\n");
        assertThat(lines[0]).isEqualTo("memory.total [MiB], memory.used [MiB], utilization.gpu [%], power.draw [W], clocks.current.sm [MHz]");
        assertThat(lines[1]).matches("\\[N/A\\], \\[N/A\\], \\d+ %, \\d+\\.\\d\\d W, \\d+ MHz");
    }

    @Test
    void unknownFieldFailsLikeNvidiaSmi() throws Exception {
        ExecResult r = jsch("nvidia-smi --query-gpu=index,memory.bogus --format=csv,noheader");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stdout()).isEqualTo("Field \"memory.bogus\" is not a valid field to query.\n\n");
    }

    @Test
    void dfReportsTheModelsDiskWithRealHeader() throws Exception {
        ExecResult r = openssh("df -B1 --output=source,size,used,avail,pcent,target '/home/spark/models'");
        assertThat(r.exitCode()).isZero();
        String[] lines = r.stdout().split("\n");
        assertThat(lines[0]).isEqualTo("Filesystem         1B-blocks          Used         Avail Use% Mounted on");
        assertThat(lines[1].split(" +")).containsExactly("/dev/nvme0n1p2", "4000000000000", "1000123456789",
                "2999876543211", "26%", "/");

        ExecResult missing = openssh("df -B1 --output=avail /nonexistent");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stdout()).isEmpty();
        assertThat(missing.stderr()).isEqualTo("df: /nonexistent: No such file or directory\n");
    }

    @Test
    void dockerLifecycleOverOpenSsh() throws Exception {
        String run = "docker run -d --name 'vllm-qwen' --gpus all --ipc host -p 8001:8000 -e 'HF_HUB_OFFLINE=1' "
                + "'vllm/vllm-openai:v0.11.0' 'Qwen/Qwen2.5-7B-Instruct' --served-model-name 'qwen' --gpu-memory-utilization '0.5'";
        ExecResult started = openssh(run);
        assertThat(started.exitCode()).as(started.stderr()).isZero();
        String id = started.stdout().strip();
        assertThat(id).matches("[0-9a-f]{64}");
        Container c = host.containers().find("vllm-qwen").orElseThrow();
        assertThat(backend.started).contains(c);
        assertThat(c.spec().model()).isEqualTo("Qwen/Qwen2.5-7B-Instruct");
        assertThat(c.spec().hostPort()).isEqualTo(8001);
        assertThat(c.spec().env()).containsEntry("HF_HUB_OFFLINE", "1");

        ExecResult conflict = openssh(run);
        assertThat(conflict.exitCode()).isEqualTo(125);
        assertThat(conflict.stderr()).startsWith("docker: Error response from daemon: Conflict. The container name "
                + "\"/vllm-qwen\" is already in use by container \"" + id + "\".");

        ExecResult ps = openssh("docker ps --filter 'name=^vllm-qwen$' --format '{{.Names}}\\t{{.State}}\\t{{.Ports}}'");
        assertThat(ps.stdout()).isEqualTo("vllm-qwen\trunning\t0.0.0.0:8001->8000/tcp, [::]:8001->8000/tcp\n");

        ExecResult json = jsch("docker ps --format '{{json .}}'");
        JsonNode row = new ObjectMapper().readTree(json.stdout());
        assertThat(row.get("ID").asText()).isEqualTo(id.substring(0, 12));
        assertThat(row.get("Status").asText()).startsWith("Up ");
        assertThat(json.stdout()).contains("\"Ports\":\"0.0.0.0:8001-\\u003e8000/tcp");

        JsonNode inspect = new ObjectMapper().readTree(openssh("docker inspect vllm-qwen").stdout());
        assertThat(inspect.isArray()).isTrue();
        assertThat(inspect.get(0).get("Id").asText()).isEqualTo(id);
        assertThat(inspect.get(0).get("Name").asText()).isEqualTo("/vllm-qwen");
        assertThat(inspect.get(0).at("/State/Running").asBoolean()).isTrue();
        assertThat(inspect.get(0).at("/Config/Image").asText()).isEqualTo("vllm/vllm-openai:v0.11.0");
        assertThat(inspect.get(0).at("/Config/Env/0").asText()).isEqualTo("HF_HUB_OFFLINE=1");

        ExecResult apps = jsch("nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv,noheader,nounits");
        assertThat(apps.stdout()).matches("\\d+, VLLM::EngineCore, \\d+\n");

        assertThat(openssh("docker stop vllm-qwen").stdout()).isEqualTo("vllm-qwen\n");
        assertThat(jsch("docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' vllm-qwen").stdout()).isEqualTo("exited 137\n");
        assertThat(openssh("docker ps -q").stdout()).isEmpty();
        assertThat(openssh("docker ps -a --format '{{.Status}}'").stdout()).startsWith("Exited (137) ");
        assertThat(openssh("docker logs --tail 1 vllm-qwen").stdout()).isEqualTo("INFO:     Application startup complete.\n");
        assertThat(openssh("docker rm vllm-qwen").stdout()).isEqualTo("vllm-qwen\n");

        ExecResult gone = openssh("docker inspect vllm-qwen");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.stdout()).isEqualTo("[]\n");
        assertThat(gone.stderr()).isEqualTo("Error: No such object: vllm-qwen\n");
    }

    @Test
    void unknownCommandExits127AndTimeoutExits124() throws Exception {
        ExecResult missing = jsch("ollama list");
        assertThat(missing.exitCode()).isEqualTo(127);
        assertThat(missing.stderr()).isEqualTo("sh: 1: ollama: not found\n");

        ExecResult slow = openssh("timeout 0.3 sleep 5");
        assertThat(slow.exitCode()).isEqualTo(124);
        assertThat(server.commandLog().entries().get(1).took().toMillis()).isLessThan(3000);

        assertThat(jsch("timeout 5 uname -m").stdout()).isEqualTo("aarch64\n");
    }

    @Test
    void argumentsArriveAsTheClientQuotedThem() throws Exception {
        String quoted = "echo " + ShellWords.quote("it's a b") + " \"x\\\"y\" back\\ slash '$HOME'";
        assertThat(openssh(quoted).stdout()).isEqualTo("it's a b x\"y back slash $HOME\n");
        ExecResult expansion = openssh("echo $HOME");
        assertThat(expansion.exitCode()).isEqualTo(2);
        assertThat(expansion.stderr()).contains("unsupported shell expansion");
    }

    @Test
    void commandLogRecordsEveryExecWithItsExitCode() throws Exception {
        jsch("hostname");
        jsch("false");
        assertThat(server.commandLog().commands()).containsExactly("hostname", "false");
        assertThat(server.commandLog().entries()).extracting(CommandLog.Entry::exitCode).containsExactly(0, 1);
        assertThat(server.commandLog().entries()).extracting(CommandLog.Entry::user).containsOnly("spark");
    }

    @Test
    void unknownKeyIsRejectedAndNothingRuns() throws Exception {
        Path stranger = SshClients.keygen(dir, "stranger_" + System.nanoTime());
        ExecResult r = SshClients.openssh(server.port(), stranger, knownHosts, "hostname");
        assertThat(r.exitCode()).isEqualTo(255);
        assertThat(r.stderr()).contains("Permission denied (publickey)");
        assertThatThrownBy(() -> SshClients.jsch(server.port(), stranger, knownHosts, "hostname"))
                .hasMessageContaining("Auth fail");
        assertThat(server.commandLog().entries()).isEmpty();
    }

    @Test
    void changedHostKeyStopsBothClientsBeforeAnyCommand() throws Exception {
        Path otherDir = Files.createTempDirectory(dir, "other");
        try (SimSshServer impostor = new SimSshServer(TestHosts.gb10(new TestHosts.FakeBackend()),
                otherDir.resolve("hostkey"), dir.resolve("authorized_keys"), 0)) {
            impostor.start();
            assertThat(impostor.hostKeyFingerprint()).isNotEqualTo(server.hostKeyFingerprint()).startsWith("SHA256:");
            Path pinned = otherDir.resolve("known_hosts");
            // the impostor's address with the real server's key: exactly what a MITM looks like to the client
            Files.writeString(pinned, "[127.0.0.1]:" + impostor.port() + " " + server.knownHostsLine().split(" ", 2)[1] + "\n");
            ExecResult r = SshClients.openssh(impostor.port(), clientKey, pinned, "hostname");
            assertThat(r.exitCode()).isEqualTo(255);
            assertThat(r.stderr()).contains("HOST IDENTIFICATION HAS CHANGED");
            assertThatThrownBy(() -> SshClients.jsch(impostor.port(), clientKey, pinned, "hostname"))
                    .isInstanceOf(com.jcraft.jsch.JSchException.class);
            assertThat(impostor.commandLog().entries()).isEmpty();
        }
    }

    @Test
    void hostKeyIsPersistedAndFingerprintMatchesSshKeygen() throws Exception {
        Path pub = dir.resolve("ssh_host_ed25519_key.pub");
        assertThat(pub).exists();
        Process p = new ProcessBuilder("/usr/bin/ssh-keygen", "-lf", pub.toString()).start();
        String listed = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).isZero();
        assertThat(listed).contains(server.hostKeyFingerprint()).contains("(ED25519)");
    }
}
