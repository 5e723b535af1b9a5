package dev.sparkd.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The one way sparkd stores and checks a secret someone presents (API keys, the admin token): only the SHA-256 of
 * the secret is kept, and a presented secret is hashed and compared in constant time, so neither a partial match
 * nor the position of a match shows in the timing.
 */
public final class SecretHash {
    /** Presented secrets longer than this are refused without hashing: no one hashes megabytes for us. */
    public static final int MAX_PRESENTED = 512;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] NO_MATCH = new byte[32];

    private SecretHash() {
    }

    public static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static String sha256Hex(String secret) {
        return HexFormat.of().formatHex(sha256(secret));
    }

    /**
     * Whether {@code presented} hashes to {@code expectedSha256}. A null expected hash (unknown key id) is still
     * compared against a dummy, so a miss costs the same as a wrong secret.
     */
    public static boolean matches(String presented, byte[] expectedSha256) {
        if (presented == null || presented.isEmpty() || presented.length() > MAX_PRESENTED) {
            return false;
        }
        byte[] actual = sha256(presented);
        boolean same = MessageDigest.isEqual(actual, expectedSha256 == null ? NO_MATCH : expectedSha256);
        return expectedSha256 != null && same;
    }

    /** A new random secret: {@code prefix} followed by {@code bytes} random bytes in unpadded base64url. */
    public static String generate(String prefix, int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** {@code bytes} random bytes as lower-case hex (ids). */
    public static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
