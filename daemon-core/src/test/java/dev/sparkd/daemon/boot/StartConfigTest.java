package dev.sparkd.daemon.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkd.core.config.SuiteConfig;

class StartConfigTest {
    @TempDir
    Path dir;

    Path file(String name) throws Exception {
        return Files.writeString(dir.resolve(name + ".toml"), """
                [suite]
                name = "%s"
                state_dir = "/var/lib/sparkd-test-%s"
                """.formatted(name, name));
    }

    @Test
    void theFileIsParsedOncePerStartAndEveryReaderGetsTheSameModel() throws Exception {
        Path a = file("a");
        SuiteConfig first = StartConfig.of(a);
        Files.writeString(a, "this is no longer TOML ["); // a second parse would fail
        assertThat(StartConfig.of(a)).isSameAs(first);
        assertThat(StartConfig.of(dir.resolve(".").resolve("a.toml"))).as("the same file, spelled differently").isSameAs(first);
        assertThat(StartConfig.of(file("b")).suite().name()).isEqualTo("b");
    }
}
