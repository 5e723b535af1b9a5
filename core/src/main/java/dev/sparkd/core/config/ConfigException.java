package dev.sparkd.core.config;

import java.util.List;
import java.util.stream.Collectors;

/** The config file is unusable; carries every problem found, not just the first. */
public final class ConfigException extends RuntimeException {
    private final transient List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + " in the configuration:\n" + report(problems));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    /** One problem per line, in file order. */
    public static String report(List<Problem> problems) {
        return problems.stream().map(Problem::format).collect(Collectors.joining("\n"));
    }
}
