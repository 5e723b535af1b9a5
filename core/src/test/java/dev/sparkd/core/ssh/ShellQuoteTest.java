package dev.sparkd.core.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShellQuoteTest {

    @Test
    void quotesEmptyStringAsEmptyWord() {
        assertThat(ShellQuote.quote("")).isEqualTo("''");
    }

    @Test
    void leavesPlainWordsBare() {
        assertThat(ShellQuote.quote("nvidia-smi")).isEqualTo("nvidia-smi");
        assertThat(ShellQuote.quote("/var/lib/sparkd")).isEqualTo("/var/lib/sparkd");
        assertThat(ShellQuote.quote("--format=csv")).isEqualTo("'--format=csv'");
    }

    @Test
    void escapesEmbeddedSingleQuotes() {
        assertThat(ShellQuote.quote("it's")).isEqualTo("'it'\"'\"'s'");
    }

    @Test
    void rejectsNul() {
        assertThatThrownBy(() -> ShellQuote.quote("a\0b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL");
    }

    @Test
    void localPosixShellReadsEveryQuotedWordBackVerbatim() throws Exception {
        for (String nasty : NastyStrings.ALL) {
            String script = "printf %s " + ShellQuote.quote(nasty);
            assertThat(runSh(script)).as("sh -c %s", script).isEqualTo(nasty);
        }
    }

    @Test
    void localPosixShellSeesQuotedWordsAsSeparateArguments() throws Exception {
        String script = "printf '<%s>' " + ShellQuote.quote("a b") + " " + ShellQuote.quote("")
                + " " + ShellQuote.quote("c");
        assertThat(runSh(script)).isEqualTo("<a b><><c>");
    }

    private static String runSh(String script) throws IOException, InterruptedException {
        Process sh = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true).start();
        byte[] out = sh.getInputStream().readAllBytes();
        assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sh.exitValue()).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
