package dev.sparkd.simulator.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sparkd.simulator.host.Container;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The interpreter without SSH in between: fast checks of the formats and edge cases scripts depend on. */
class CommandInterpreterTest {
    final TestHosts.FakeBackend backend = new TestHosts.FakeBackend();
    final SshHost host = TestHosts.gb10(backend);
    final CommandInterpreter sh = new CommandInterpreter(host);

    @AfterEach
    void close() {
        sh.close();
    }

    @Test
    void lexesLikeAPosixShell() throws Exception {
        assertThat(ShellWords.words("a 'b c' \"d \\\"e\\\" \\x\" f\\ g ''")).containsExactly("a", "b c", "d \"e\" \\x", "f g", "");
        assertThat(ShellWords.words("echo " + ShellWords.quote("it's $x"))).containsExactly("echo", "it's $x");
        assertThat(sh.execute("echo 'unterminated").exitCode()).isEqualTo(2);
        assertThat(sh.execute("echo a | cat").stderr()).contains("unsupported shell syntax `|'");
        assertThat(sh.execute("true && true").exitCode()).isEqualTo(2);
        assertThat(sh.execute("echo '|' ';'").stdout()).isEqualTo("| ;\n");
        assertThat(sh.execute("echo `id`").exitCode()).isEqualTo(2);
        assertThat(sh.execute("LC_ALL=C echo hi").stdout()).isEqualTo("hi\n");
    }

    @Test
    void redirectionsToDevNullAndStderrMerge() {
        ExecResult merged = sh.execute("df /nope 2>&1");
        assertThat(merged.stdout()).isEqualTo("df: /nope: No such file or directory\n");
        assertThat(merged.stderr()).isEmpty();
        ExecResult silent = sh.execute("df /nope >/dev/null 2>&1");
        assertThat(silent.stdout() + silent.stderr()).isEmpty();
        assertThat(silent.exitCode()).isEqualTo(1);
        assertThat(sh.execute("echo x > /tmp/file").exitCode()).isEqualTo(2);
    }

    @Test
    void dfLayoutsAndErrors() {
        ExecResult def = sh.execute("df -B1 /home/spark/models/qwen");
        assertThat(def.stdout().lines().findFirst().orElseThrow())
                .isEqualTo("Filesystem         1B-blocks          Used     Available Use% Mounted on");
        assertThat(sh.execute("df -k --output=size,file /home").stdout()).isEqualTo(" 1K-blocks File\n3906250000 /home\n");
        ExecResult bad = sh.execute("df --output=size,bogus /");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.stderr()).isEqualTo("df: option --output: field \u2018bogus\u2019 unknown\nTry 'df --help' for more information.\n");
        assertThat(sh.execute("df --output=size,size /").stderr()).contains("used more than once");
        host.disk().setFull(true);
        assertThat(sh.execute("df -B1 --output=avail,pcent /").stdout()).isEqualTo("Avail Use%\n    0 100%\n");
    }

    @Test
    void nvidiaSmiVariants() {
        assertThat(sh.execute("nvidia-smi --query-gpu=clocks_throttle_reasons.active,pstate,power.limit --format=csv").stdout())
                .isEqualTo("clocks_event_reasons.active, pstate, power.limit [W]\n0x0000000000000001, P8, [N/A]\n");
        host.gpu().setHot(true);
        String[] hot = sh.execute("nvidia-smi --query-gpu=temperature.gpu,clocks.sm,clocks.max.sm,clocks_event_reasons.active "
                + "--format=csv,noheader,nounits").stdout().strip().split(", ");
        assertThat(Integer.parseInt(hot[0])).isBetween(93, 97);
        assertThat(Integer.parseInt(hot[1])).isLessThan(Integer.parseInt(hot[2]) * 2 / 3);
        assertThat(hot[3]).isEqualTo("0x0000000000000060");
        assertThat(sh.execute("nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv").stdout())
                .isEqualTo("pid, process_name, used_gpu_memory [MiB]\n");
        assertThat(sh.execute("nvidia-smi --bogus").exitCode()).isEqualTo(2);
        host.gpu().setUtilization(87);
        assertThat(sh.execute("nvidia-smi --query-gpu=utilization.gpu,utilization.memory --format=csv,noheader").stdout())
                .isEqualTo("87 %, 0 %\n");
    }

    @Test
    void memAvailableFallsWhileAModelRunsOnGb10() {
        String before = sh.execute("cat /proc/meminfo").stdout();
        assertThat(before).startsWith("MemTotal:       125514308 kB\nMemFree:   ");
        sh.execute("docker run -d --name m 'vllm/vllm-openai:v0.11.0' model --gpu-memory-utilization 0.25");
        long drop = kib(before, "MemAvailable") - kib(sh.execute("cat /proc/meminfo").stdout(), "MemAvailable");
        assertThat(drop).isEqualTo(125_514_308L / 4);
    }

    @Test
    void dockerEdgeCases() {
        assertThat(sh.execute("docker run -d --name a -p 8000:8000 img serve").exitCode()).isZero();
        ExecResult busyPort = sh.execute("docker run -d --name b -p 8000:8000 img serve");
        assertThat(busyPort.exitCode()).isEqualTo(125);
        assertThat(busyPort.stderr()).contains("Bind for 0.0.0.0:8000 failed: port is already allocated");
        assertThat(sh.execute("docker inspect -f '{{.State.Status}}' b").stdout()).isEqualTo("created\n");

        ExecResult rm = sh.execute("docker rm a");
        assertThat(rm.exitCode()).isEqualTo(1);
        assertThat(rm.stderr()).isEqualTo("Error response from daemon: cannot remove container \"/a\": container is running: "
                + "stop the container before removing or force remove\n");
        assertThat(sh.execute("docker rm -f a b ghost").exitCode()).isZero();
        assertThat(sh.execute("docker stop ghost").stderr()).isEqualTo("Error response from daemon: No such container: ghost\n");
        assertThat(sh.execute("docker run --bogus img").exitCode()).isEqualTo(125);

        sh.execute("docker run -d --name eugr --network host --gpus all vllm-node bash -c "
                + ShellWords.quote("vllm serve 'Qwen/Qwen3-8B' --port 9000 --host 0.0.0.0"));
        Container c = host.containers().find("eugr").orElseThrow();
        assertThat(c.spec().model()).isEqualTo("Qwen/Qwen3-8B");
        assertThat(c.spec().hostPort()).isEqualTo(9000);
        assertThat(sh.execute("docker inspect -f '{{json .HostConfig.NetworkMode}} {{.Config.Entrypoint}}' eugr").stdout())
                .isEqualTo("\"host\" <nil>\n");

        List<String> table = sh.execute("docker ps").stdout().lines().toList();
        assertThat(table.get(0)).startsWith("CONTAINER ID   IMAGE       COMMAND                  CREATED");
        assertThat(table.get(1)).contains("\"bash -c vllm serve …\"");
        assertThat(sh.execute("docker ps --format '{{.Nope}}'").stderr()).contains("can't evaluate field Nope");
    }

    @Test
    void timeoutSemantics() {
        assertThat(sh.execute("timeout").exitCode()).isEqualTo(125);
        ExecResult missing = sh.execute("timeout 5 ollama ps");
        assertThat(missing.exitCode()).isEqualTo(127);
        assertThat(missing.stderr()).isEqualTo("timeout: failed to run command \u2018ollama\u2019: No such file or directory\n");
        assertThat(sh.execute("timeout -s KILL 0.1 sleep 2").exitCode()).isEqualTo(137);
        // docker run without -d stays attached until the container ends, so only the deadline ends it
        assertThat(sh.execute("timeout 0.2 docker run --name attached img serve").exitCode()).isEqualTo(124);
        sh.setLatency(Duration.ofMillis(500));
        assertThat(sh.execute("timeout 0.1 true").exitCode()).isEqualTo(124);
    }

    private static long kib(String meminfo, String key) {
        return meminfo.lines().filter(l -> l.startsWith(key + ":")).map(l -> l.replaceAll("\\D+", " ").trim().split(" ")[0])
                .map(Long::parseLong).findFirst().orElseThrow();
    }
}
