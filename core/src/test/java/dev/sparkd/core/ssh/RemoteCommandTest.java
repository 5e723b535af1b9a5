package dev.sparkd.core.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RemoteCommandTest {

    @Test
    void quotesEveryArgument() {
        RemoteCommand command = RemoteCommand.of("printf", "%s", "$(id); echo 'x'");
        assertThat(command.toShell()).isEqualTo("printf %s '$(id); echo '\"'\"'x'\"'\"''");
    }

    @Test
    void acceptsNamesAndAbsolutePaths() {
        assertThat(RemoteCommand.of("nvidia-smi").toShell()).isEqualTo("nvidia-smi");
        assertThat(RemoteCommand.of("/usr/bin/df", "-B1").toShell()).isEqualTo("/usr/bin/df -B1");
        assertThat(RemoteCommand.of("python3.12").program()).isEqualTo("python3.12");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "rm -rf /", "ls;id", "$(id)", "`id`", "-rf", "../bin/sh",
        "a/../b", "/", "bin//sh", "a b", "FOO=bar", "ls\n", "~/bin/x", "*"})
    void rejectsProgramNamesThatAreShellText(String program) {
        assertThatThrownBy(() -> RemoteCommand.of(program))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("program name");
    }

    @Test
    void checksArgumentsAgainstCallerPatterns() {
        Pattern modelName = Pattern.compile("[a-z0-9][a-z0-9._:-]*");
        assertThat(RemoteCommand.builder("ollama").arg("pull").arg("llama3.2:3b", modelName).build()
                .toShell()).isEqualTo("ollama pull llama3.2:3b");
        assertThatThrownBy(() -> RemoteCommand.builder("ollama").arg("pull")
                .arg("x; reboot", modelName))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("argument 2 of `ollama`")
                .hasMessageContaining(modelName.pattern());
    }

    @Test
    void rejectsNulInArguments() {
        assertThatThrownBy(() -> RemoteCommand.of("echo", "a\0b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wrapsInRemoteTimeoutWithKillGrace() {
        RemoteCommand command = RemoteCommand.of("sleep", "100").withTimeout(Duration.ofMillis(2500));
        assertThat(command.toShell()).isEqualTo("timeout -k 5s 3s sleep 100");
        assertThat(command.program()).isEqualTo("timeout");
    }

    @Test
    void rejectsNonPositiveTimeouts() {
        RemoteCommand command = RemoteCommand.of("true");
        assertThatThrownBy(() -> command.withTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> command.withTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isAValue() {
        assertThat(RemoteCommand.of("df", "-B1")).isEqualTo(RemoteCommand.of("df", "-B1"))
                .hasSameHashCodeAs(RemoteCommand.of("df", "-B1"))
                .isNotEqualTo(RemoteCommand.of("df", "-h"));
        assertThat(RemoteCommand.of("df").args()).isEmpty();
    }
}
