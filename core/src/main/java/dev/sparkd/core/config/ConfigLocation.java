package dev.sparkd.core.config;

import java.nio.file.Path;
import java.util.Map;

/** Where the config file is: {@code --config FILE}, else {@code $SPARKD_CONFIG}, else {@code /etc/sparkd/sparkd.toml}. */
public final class ConfigLocation {
    public static final Path DEFAULT = Path.of("/etc/sparkd/sparkd.toml");
    public static final String ENV = "SPARKD_CONFIG";

    private ConfigLocation() {
    }

    public static Path resolve(String[] args, Map<String, String> env) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]).toAbsolutePath();
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length())).toAbsolutePath();
            }
        }
        String fromEnv = env.get(ENV);
        return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv).toAbsolutePath() : DEFAULT;
    }
}
