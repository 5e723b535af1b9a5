package dev.sparkd.mcp.access;

import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.sparkd.core.auth.SecretHash;
import dev.sparkd.mcp.config.McpSettings;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The gateway's API keys: 256 random bits, shown once as {@code sk-mcp-<base64url>}; the config holds only
 * {@code sha256:<hex>} of the key. Hashing and the constant-time comparison are the shared {@link SecretHash}; every
 * configured key is compared, match or not, so neither the match position nor a partial match shows in the timing.
 */
@Singleton
public class ApiKeys {
    private static final Logger LOG = Logger.getLogger(ApiKeys.class);
    public static final String PREFIX = "sk-mcp-";

    private final List<McpSettings.ApiKey> keys;

    public ApiKeys(McpSettings settings) {
        this.keys = List.copyOf(settings.keys().values());
    }

    void warnWhenNone(@Observes StartupEvent event) {
        if (keys.isEmpty()) {
            LOG.warn("no [mcp.keys.<id>] configured: every request to /mcp is refused with 401 — create one with `mcp-gateway keys create <id>`");
        }
    }

    /** The configured key whose hash matches, if any. */
    public Optional<McpSettings.ApiKey> verify(String presented) {
        McpSettings.ApiKey found = null;
        for (McpSettings.ApiKey k : keys) {
            if (SecretHash.matches(presented, k.sha256()) && found == null) {
                found = k;
            }
        }
        return Optional.ofNullable(found);
    }

    /** A new random key (256 bits). */
    public static String generate() {
        return SecretHash.generate(PREFIX, 32);
    }

    /** {@code sha256:<hex>}, the form the config holds. */
    public static String hashForConfig(String key) {
        return "sha256:" + SecretHash.sha256Hex(key);
    }
}
