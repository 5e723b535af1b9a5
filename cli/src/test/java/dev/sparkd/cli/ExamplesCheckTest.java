package dev.sparkd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.sparkd.core.config.ConfigException;
import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.Problem;
import dev.sparkd.core.config.SuiteConfig;

/**
 * The shipped examples against every daemon's schema, as {@code sparkd check} sees them: the good ones load, and each
 * broken one reports exactly the problems its {@code # expect: COLUMN key.path} comments list — each about the next line
 * that is not such a comment — no more, no less.
 */
class ExamplesCheckTest {
    static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
    static final Pattern EXPECT = Pattern.compile("#\\s*expect:\\s*(\\d+)\\s+(\\S+.*)");

    @Test
    void everyDaemonSchemaIsOnTheClassPath() {
        assertThat(ConfigLoader.installedSchemas()).extracting(s -> s.section())
                .containsExactlyInAnyOrder("health", "models", "router", "mcp");
    }

    @Test
    void demoIsValid() {
        SuiteConfig demo = ConfigLoader.load(EXAMPLES.resolve("demo.toml"));
        assertThat(demo.services()).containsKeys("ollama-1", "vllm-1", "ollama-2", "llamacpp-1", "cloud");
        assertThat(demo.suite().stateDir()).isEqualTo(EXAMPLES.getParent().resolve(".state/demo"));
    }

    @Test
    void twoSparksIsValid() {
        SuiteConfig lab = ConfigLoader.load(EXAMPLES.resolve("two-sparks.toml"));
        assertThat(lab.hosts()).containsOnlyKeys("spark-1", "spark-2");
        assertThat(lab.database().embedded()).isFalse();
        assertThat(lab.sections()).containsOnlyKeys("health", "models", "router", "mcp");
    }

    static Stream<Path> broken() throws IOException {
        return Files.list(EXAMPLES.resolve("broken")).filter(p -> p.toString().endsWith(".toml")).sorted();
    }

    @ParameterizedTest
    @MethodSource("broken")
    void brokenExampleReportsExactlyTheExpectedProblems(Path file) throws IOException {
        List<String> expected = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = EXPECT.matcher(lines.get(i).trim());
            if (m.matches()) {
                pending.add(m.group(1) + " " + m.group(2).trim());
            } else {
                for (String p : pending) {
                    expected.add((i + 1) + ":" + p);
                }
                pending.clear();
            }
        }
        assertThat(expected).as("a broken example lists its problems in # expect: comments").isNotEmpty();
        List<Problem> problems;
        try {
            ConfigLoader.load(file);
            throw new AssertionError(file + " was accepted");
        } catch (ConfigException e) {
            problems = e.problems();
        }
        List<String> actual = problems.stream()
                .map(p -> p.line() + ":" + p.column() + " " + (p.keyPath().isEmpty() ? p.message() : p.keyPath()))
                .toList();
        assertThat(actual).as(ConfigException.report(problems)).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as(ConfigException.report(problems)).startsWith(expected.get(i));
        }
        String report = ConfigException.report(problems);
        assertThat(report).doesNotContain("DO-NOT-LEAK");
        assertThat(problems).allSatisfy(p -> assertThat(p.format()).startsWith(file + ":" + p.line() + ":" + p.column() + ": "));
    }
}
