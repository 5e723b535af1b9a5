package dev.sparkd.core.config;

import java.nio.file.Path;

/** {@code [suite]}: the installation's name, where state lives, and the log format. */
public record Suite(String name, Path stateDir, LogFormat logFormat) {
    public enum LogFormat { TEXT, JSON }

    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/sparkd");

    /** Per-daemon state directory, e.g. {@code /var/lib/sparkd/router}. */
    public Path stateDir(String daemon) {
        return stateDir.resolve(daemon);
    }
}
