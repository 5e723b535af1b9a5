package dev.sparkd.core.config;

import java.nio.file.Path;

/** {@code [suite]}: the installation's name, where state lives, the log format, and the edge's settings. */
public record Suite(String name, Path stateDir, LogFormat logFormat, EdgeSettings edge) {
    public enum LogFormat { TEXT, JSON }

    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/sparkd");

    /** Where the per-install admin token is generated when no {@code admin_token_file}/{@code _env} is set. */
    public Path adminTokenFile() {
        return stateDir.resolve("admin-token");
    }

    /** Per-daemon state directory, e.g. {@code /var/lib/sparkd/router}. */
    public Path stateDir(String daemon) {
        return stateDir.resolve(daemon);
    }
}
