package dev.sparkd.services.daemon;

import io.smallrye.config.ConfigMapping;

/** Which daemon this is and which file it was started with (set by {@link DaemonMain}, or by tests). */
@ConfigMapping(prefix = "sparkd")
public interface DaemonConfig {
    /** The daemon's name, e.g. {@code router}; fixed in each daemon's application.properties. */
    String daemon();

    /** Absolute path of sparkd.toml. */
    String config();
}
