package dev.sparkd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A daemon given a broken file prints every problem and exits 2 before it starts anything — the behaviour systemd
 * (and the NixOS build-time check) rely on. Runs the real main class in a child JVM.
 */
class DaemonStartupTest {

    private static Result run(String mainClass, Path config) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass, "--config", config.toString())
                .redirectErrorStream(true).start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
            throw new AssertionError("did not exit: " + out);
        }
        return new Result(p.exitValue(), out);
    }

    record Result(int exit, String output) {
    }

    @Test
    void everyDaemonRefusesABrokenFileWithExitTwoAndTheFullReport() throws Exception {
        Path typos = ExamplesCheckTest.EXAMPLES.resolve("broken/typos.toml");
        for (String main : List.of("dev.sparkd.health.HealthAgentMain", "dev.sparkd.router.RouterMain",
                "dev.sparkd.models.ModelManagerMain", "dev.sparkd.mcp.McpGatewayMain")) {
            Result r = run(main, typos);
            assertThat(r.exit()).as(main + "\n" + r.output()).isEqualTo(2);
            assertThat(r.output()).as(main)
                    .contains(typos + ":5:1: suite.state_dri: unknown key `state_dri` — did you mean `state_dir`?")
                    .contains("health.intervall")
                    .contains("not started — 4 problem(s)");
        }
    }

    @Test
    void aMissingFileSaysHowToPointAtOne() throws Exception {
        Result r = run("dev.sparkd.router.RouterMain", Path.of("/nonexistent/sparkd.toml"));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.output()).contains("config file not found").contains("SPARKD_CONFIG");
    }
}
