package dev.sparkd.router.replay;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of what a request asked (route, endpoint and the exact body bytes), the identity of an answer. */
final class Fingerprint {
    private Fingerprint() {
    }

    static byte[] of(String route, String endpoint, byte[] body) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(route.getBytes(UTF_8));
            d.update((byte) 0);
            d.update(endpoint.getBytes(UTF_8));
            d.update((byte) 0);
            d.update(body);
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
