package dev.sparkd.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SimulatorMain} as the launcher runs it: a child JVM on the example config. The example is copied into a
 * temporary {@code examples/} directory with every port made ephemeral, so the test neither collides with a running
 * demo nor writes into the repository's {@code .state/}; its {@code ../.state/sim/} paths land in the temp dir.
 */
class SimulatorMainProcessTest {
    private static final Pattern SERVICE = Pattern.compile("(\\S+)/(\\S+) (\\w+) http://127\\.0\\.0\\.1:(\\d+) (\\w+)");
    private static final Pattern SSH = Pattern.compile("(\\S+) ssh 127\\.0\\.0\\.1:(\\d+) (SHA256:\\S+)");
    private static final Pattern CONTROL = Pattern.compile("control http://127\\.0\\.0\\.1:(\\d+)/_sim/state");

    @Test
    void runsTheExampleAndIsControlledOverHttp(@TempDir Path dir) throws Exception {
        String example = Files.readString(Path.of("..", "examples", "sim-two-sparks.toml"));
        Path config = dir.resolve("examples/sim-two-sparks.toml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, example.replaceAll("(?m)^(port|control_port)\\s*=\\s*\\d+", "$1 = 0"));

        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), SimulatorMain.class.getName(), "--config", config.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            List<String> lines = readUntilReady(p);
            assertThat(lines).last().isEqualTo("simulator ready");
            int ollama = -1;
            int control = -1;
            List<String> sshSparks = new ArrayList<>();
            for (String line : lines) {
                Matcher m;
                if ((m = SERVICE.matcher(line)).matches() && m.group(2).equals("ollama-1")) {
                    ollama = Integer.parseInt(m.group(4));
                } else if ((m = SSH.matcher(line)).matches()) {
                    sshSparks.add(m.group(1));
                    assertThat(Integer.parseInt(m.group(2))).isPositive();
                } else if ((m = CONTROL.matcher(line)).matches()) {
                    control = Integer.parseInt(m.group(1));
                }
            }
            assertThat(sshSparks).containsExactly("spark-1", "spark-2");
            assertThat(lines).anyMatch(l -> l.startsWith("cloud/openai http://127.0.0.1:"));
            assertThat(Files.readAllLines(dir.resolve(".state/sim/known_hosts"))).hasSize(2);
            assertThat(dir.resolve(".state/sim/id_ed25519")).exists();
            assertThat(dir.resolve(".state/sim/cloud-api-key")).exists();

            assertThat(Http.get(ollama, "/api/version").statusCode()).isEqualTo(200);
            assertThat(Http.put(control, "/_sim/services/ollama-1/fault", "{\"type\":\"down\"}").statusCode()).isEqualTo(200);
            int port = ollama;
            assertThatThrownBy(() -> Http.get(port, "/api/version")).isInstanceOf(ConnectException.class);
            assertThat(Http.delete(control, "/_sim/services/ollama-1/faults", null).statusCode()).isEqualTo(200);
            assertThat(Http.get(ollama, "/api/version").statusCode()).isEqualTo(200);
        } finally {
            p.destroy(); // SIGTERM: the shutdown hook closes every port
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static List<String> readUntilReady(Process p) throws Exception {
        List<String> lines = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(60_000);
                p.destroyForcibly();
            } catch (InterruptedException e) {
                // ready in time
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        String line;
        while ((line = out.readLine()) != null) {
            lines.add(line);
            if (line.equals("simulator ready")) {
                break;
            }
        }
        watchdog.interrupt();
        return lines;
    }
}
