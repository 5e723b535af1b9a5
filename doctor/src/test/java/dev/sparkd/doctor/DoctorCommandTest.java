package dev.sparkd.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doctor on an installation where nothing runs: every check says what is wrong and how to fix it, in the
 * documented order, and the exit status tells a script what happened. (Against a running demo: cli's DemoIT.)
 */
class DoctorCommandTest {

    record Result(int exit, List<String> lines) {
    }

    private static Result doctor(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = DoctorCommand.run(args, Map.of(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Result(exit, bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    /** A loopback port nothing listens on (bound, then released). */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void nothingRunningGivesOneCrossPerCheckEachWithItsFixAndExitOne(@TempDir Path dir) throws Exception {
        int ssh = closedPort();
        int ollama = closedPort();
        Path config = dir.resolve("sparkd.toml");
        Files.writeString(config, """
                [suite]
                state_dir = "state"

                [hosts.box]
                address = "127.0.0.1"
                ssh = { user = "spark", port = %d, key_file = "id_ed25519", known_hosts = "known_hosts" }

                [services.ollama-1]
                kind = "ollama"
                host = "box"
                port = %d

                [services.cloud]
                kind = "openai"
                api_key_file = "no-such-key"

                [health]
                listen = "127.0.0.1:%d"

                [router]
                listen = "127.0.0.1:%d"
                [router.routes.chat]
                targets = ["ollama-1:llama3.2:3b", "cloud:gpt-4.1-mini"]
                """.formatted(ssh, ollama, closedPort(), closedPort()));
        Result r = doctor("--config", config.toString());

        assertThat(r.exit()).as(String.join("\n", r.lines())).isEqualTo(DoctorCommand.PROBLEMS);
        assertThat(r.lines().get(0)).startsWith("✓ config: " + config + " is valid (1 host(s), 2 service(s))");
        assertThat(r.lines()).as(String.join("\n", r.lines()))
                .anySatisfy(l -> assertThat(l).startsWith("✗ database: the host's PostgreSQL has never run").contains("fix: start the host's PostgreSQL: ./sparkd db --config " + config))
                .anySatisfy(l -> assertThat(l).startsWith("✗ host box: SSH at 127.0.0.1:" + ssh + " unreachable").contains("fix: check that the host is on and sshd runs there"))
                .anySatisfy(l -> assertThat(l).startsWith("✗ service ollama-1: ollama at http://127.0.0.1:" + ollama + " DOWN").contains("fix: start ollama-1 on host box"))
                .anySatisfy(l -> assertThat(l).startsWith("✗ service cloud: API key unreadable: cannot read secret file " + dir.resolve("no-such-key"))
                        .contains("fix: put the provider's API key in " + dir.resolve("no-such-key")))
                .anySatisfy(l -> assertThat(l).startsWith("✗ route chat: no target up: ollama-1:llama3.2:3b (DOWN), cloud:gpt-4.1-mini (API key unreadable)"))
                .anySatisfy(l -> assertThat(l).startsWith("✗ daemon router: not running").contains("fix: start it: systemctl start sparkd-router"));
        // every line is a check with its mark, problems carry a fix, and the summary counts them
        List<String> checks = r.lines().subList(0, r.lines().size() - 1);
        assertThat(checks).allMatch(l -> l.startsWith("✓ ") || (l.startsWith("✗ ") && l.contains(" — fix: ")));
        long problems = checks.stream().filter(l -> l.startsWith("✗ ")).count();
        assertThat(r.lines().get(r.lines().size() - 1)).isEqualTo("sparkd doctor: " + problems + " problem(s) — each ✗ line says how to fix it");
        // in the documented order: config, database, hosts, services, routes, (MCP servers), daemons
        assertThat(firstIndex(checks, "✓ config")).isLessThan(firstIndex(checks, "✗ database"));
        assertThat(firstIndex(checks, "✗ database")).isLessThan(firstIndex(checks, "✗ host box"));
        assertThat(firstIndex(checks, "✗ host box")).isLessThan(firstIndex(checks, "✗ service cloud"));
        assertThat(firstIndex(checks, "✗ service ollama-1")).isLessThan(firstIndex(checks, "✗ route chat"));
        assertThat(firstIndex(checks, "✗ route chat")).isLessThan(firstIndex(checks, "✗ daemon "));
    }

    private static int firstIndex(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starting with " + prefix + " in " + lines);
    }

    @Test
    void anInvalidConfigIsExitTwoWithTheCheckersReportAndNothingElseChecked(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("sparkd.toml");
        Files.writeString(config, "[suite]\nstate_dri = \"x\"\n");
        Result r = doctor("--config", config.toString());
        assertThat(r.exit()).isEqualTo(DoctorCommand.CONFIG);
        assertThat(r.lines().get(0)).startsWith("✗ config: " + config + ": 1 problem(s) — fix: correct them");
        assertThat(String.join("\n", r.lines())).contains("unknown key `state_dri` — did you mean `state_dir`?").doesNotContain("database");
    }

    @Test
    void aMissingFileAndAnUnknownOptionAreExitTwo(@TempDir Path dir) {
        Result missing = doctor("--config", dir.resolve("absent.toml").toString());
        assertThat(missing.exit()).isEqualTo(DoctorCommand.CONFIG);
        assertThat(String.join("\n", missing.lines())).contains("config file not found");
        assertThat(doctor("--verbose").exit()).isEqualTo(DoctorCommand.CONFIG);
        assertThat(doctor("--help").exit()).isEqualTo(DoctorCommand.OK);
    }
}
