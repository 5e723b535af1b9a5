package dev.sparkd.daemon.boot;

import java.nio.file.Path;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.SuiteConfig;

/**
 * The config file, parsed once per start: {@link DaemonMain} (before Quarkus boots), the
 * {@link SparkdConfigSourceFactory} (Quarkus' own settings) and the CDI producer (the daemon's settings) all read it
 * here, so the TOML is read and validated once, and all three see the same model.
 */
public final class StartConfig {
    private record Loaded(Path file, SuiteConfig config) {
    }

    private static volatile Loaded loaded;

    private StartConfig() {
    }

    /** The validated config of {@code file}: parsed at the first call, the same object after that. */
    public static SuiteConfig of(Path file) {
        Path normalized = file.toAbsolutePath().normalize();
        Loaded l = loaded;
        if (l != null && l.file().equals(normalized)) {
            return l.config();
        }
        synchronized (StartConfig.class) {
            l = loaded;
            if (l == null || !l.file().equals(normalized)) {
                l = new Loaded(normalized, ConfigLoader.load(normalized));
                loaded = l;
            }
            return l.config();
        }
    }
}
