package dev.sparkd.health.config;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.ConfigLocation;
import dev.sparkd.core.config.SuiteConfig;

/**
 * What a health-agent command line runs on: the file ({@code --config}, else {@code $SPARKD_CONFIG}, then the system
 * file), the suite read from it and the agent's settings.
 */
public record CommandConfig(Path file, SuiteConfig suite, HealthSettings settings) {

    /** Loads it; on problems prints them as {@code "<who>: N problem(s) in FILE"} to {@code err} and answers empty. */
    public static Optional<CommandConfig> load(Path option, Map<String, String> env, String who, PrintStream err) {
        Path file = option != null ? option.toAbsolutePath() : ConfigLocation.resolve(new String[0], env);
        return ConfigLoader.loadOrReport(file, who, err)
                .map(suite -> new CommandConfig(file, suite, suite.section(HealthSettings.class)));
    }
}
