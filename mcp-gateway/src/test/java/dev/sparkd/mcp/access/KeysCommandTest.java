package dev.sparkd.mcp.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** {@code mcp-gateway keys …}: what a user sees on stdout and stderr, and the exit codes. */
class KeysCommandTest {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String stdin, String... args) {
        CommandLine cli = KeysCommand.commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void createPrintsTheKeyAloneOnStdoutAndItsTableOnStderr() {
        assertThat(run("", "create", "laptop")).isZero();
        String key = out.toString().strip();
        assertThat(key).matches("sk-mcp-[A-Za-z0-9_-]{43}");
        assertThat(err.toString()).contains("[mcp.keys.laptop]\n").contains("sha256 = \"" + ApiKeys.hashForConfig(key) + "\"\n")
                .contains("allow = [\"*\"]").doesNotContain(key);
    }

    @Test
    void hashReadsTheKeyFromStdin() {
        assertThat(run("sk-mcp-test-all\n", "hash")).isZero();
        assertThat(out.toString().strip()).isEqualTo("sha256:c603488c843615aa1c0dc08c9f7f8a5fa65dcbc077fb5ee881dd0a204a8cdff7");
    }

    @Test
    void helpIsOnStdoutAndExits0() {
        assertThat(run("", "--help")).isZero();
        assertThat(out.toString()).contains("create").contains("hash");
        assertThat(run("", "create", "--help")).isZero();
        assertThat(out.toString()).contains("<id>");
    }

    @Test
    void usageMistakesExitWith2() {
        assertThat(run("", "hash")).isEqualTo(2);
        assertThat(err.toString()).contains("no key on standard input");
        assertThat(run("", "create", "bad id!")).isEqualTo(2);
        assertThat(err.toString()).contains("must be 1-64 letters");
        assertThat(run("", "create")).isEqualTo(2);
        assertThat(run("", "create", "a", "b")).isEqualTo(2);
        assertThat(run("", "revoke", "a")).isEqualTo(2);
        assertThat(run("")).isEqualTo(2);
        assertThat(err.toString()).contains("create").contains("hash").contains("Revoke: delete the table");
        assertThat(out.toString()).isEmpty();
    }
}
