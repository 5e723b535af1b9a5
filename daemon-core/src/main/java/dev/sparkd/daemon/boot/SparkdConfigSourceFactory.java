package dev.sparkd.daemon.boot;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.DaemonSettings;
import dev.sparkd.core.config.DatabaseSettings;
import dev.sparkd.core.config.SecretRef;
import dev.sparkd.core.config.Suite;
import dev.sparkd.core.config.SuiteConfig;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Maps the daemon's part of sparkd.toml onto Quarkus configuration (listen address, datasource, log format), so users
 * never write {@code application.properties}. Ordinal 275: above the daemon's own defaults (250), below environment
 * variables (300) and system properties (400), which stay available as operator overrides.
 */
public final class SparkdConfigSourceFactory implements ConfigSourceFactory {
    /** Quarkus' JSON console logging, switched on by {@code [suite] log_format = "json"}. */
    static final String JSON_LOG = "quarkus.log.console.json.enabled";
    public static final int ORDINAL = 275;
    /** Set by {@link DaemonMain} when it found the host's embedded PostgreSQL: URL, the daemon's role, its password file. */
    public static final String EMBEDDED_DB_URL = "sparkd.embedded-db.url";
    public static final String EMBEDDED_DB_USER = "sparkd.embedded-db.user";
    public static final String EMBEDDED_DB_PASSWORD_FILE = "sparkd.embedded-db.password-file";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        String daemon = value(context, "sparkd.daemon");
        String file = value(context, "sparkd.config");
        if (daemon == null || file == null) {
            return List.of();
        }
        SuiteConfig config = StartConfig.of(Path.of(file));
        return List.of(new PropertiesConfigSource(properties(config, daemon, name -> value(context, name)),
                "sparkd.toml (" + file + ")", ORDINAL));
    }

    /** The Quarkus settings for {@code daemon}; {@code lookup} reads what {@link DaemonMain} set (embedded database). Only the reactive datasource: migrations run apart ({@code sparkd migrate}). */
    static Map<String, String> properties(SuiteConfig config, String daemon, Function<String, String> lookup) {
        Map<String, String> p = new HashMap<>();
        String section = ConfigLoader.DAEMON_SECTIONS.entrySet().stream().filter(e -> e.getValue().equals(daemon))
                .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new IllegalStateException("unknown daemon " + daemon));
        config.section(section).map(DaemonSettings::listen).ifPresent(listen -> {
            p.put("quarkus.http.host", listen.host());
            p.put("quarkus.http.port", Integer.toString(listen.port()));
        });
        config.section(section).map(DaemonSettings::quarkusProperties).ifPresent(p::putAll);
        p.put("sparkd.state-dir", config.suite().stateDir(daemon).toString());
        if (config.suite().logFormat() == Suite.LogFormat.JSON) {
            p.put(JSON_LOG, "true");
        }
        DatabaseSettings db = config.database();
        if (!db.embedded()) {
            p.put("quarkus.datasource.reactive.url", db.reactiveUrl().orElseThrow());
            p.put("quarkus.datasource.username", db.effectiveUser());
            db.password().ifPresent(secret -> p.put("quarkus.datasource.password", secret.resolve()));
        } else if (lookup.apply(EMBEDDED_DB_URL) != null) {
            String url = lookup.apply(EMBEDDED_DB_URL);
            p.put("quarkus.datasource.reactive.url", url);
            p.put("quarkus.datasource.username", lookup.apply(EMBEDDED_DB_USER));
            String passwordFile = lookup.apply(EMBEDDED_DB_PASSWORD_FILE);
            if (passwordFile != null) {
                p.put("quarkus.datasource.password", SecretRef.file(Path.of(passwordFile)).resolve());
            }
        }
        return p;
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue v = context.getValue(name);
        return v == null || v.getValue() == null || v.getValue().isBlank() ? null : v.getValue();
    }
}
