package dev.sparkd.mcp.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import dev.sparkd.mcp.config.McpSettings;

/**
 * API keys: 256 random bits, shown once as {@code sk-mcp-<base64url>}; the config holds only
 * {@code sha256:<hex>} of the key. A presented key is hashed and compared with every configured hash in constant
 * time, so neither the match position nor a partial match shows in the timing.
 */
public final class ApiKeys {
    public static final String PREFIX = "sk-mcp-";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<McpSettings.ApiKey> keys;

    public ApiKeys(Collection<McpSettings.ApiKey> keys) {
        this.keys = List.copyOf(keys);
    }

    /** The configured key whose hash matches, if any. */
    public Optional<McpSettings.ApiKey> verify(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > 512) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented);
        McpSettings.ApiKey found = null;
        for (McpSettings.ApiKey k : keys) {
            if (MessageDigest.isEqual(digest, k.sha256()) && found == null) {
                found = k;
            }
        }
        return Optional.ofNullable(found);
    }

    public List<McpSettings.ApiKey> all() {
        return keys;
    }

    /** A new random key (256 bits). */
    public static String generate() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** {@code sha256:<hex>}, the form the config holds. */
    public static String hashForConfig(String key) {
        return "sha256:" + HexFormat.of().formatHex(sha256(key));
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
