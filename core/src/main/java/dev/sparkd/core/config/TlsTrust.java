package dev.sparkd.core.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How an {@code https} backend's certificate is trusted: by the JVM's CAs (both empty), by the CAs of a PEM file, or by
 * one pinned certificate (its SHA-256 over the DER encoding, lower-case hex) whatever its issuer, name or dates — the
 * way a self-signed vLLM behind a TLS proxy on the LAN is reached.
 */
public record TlsTrust(Optional<Path> caFile, Optional<String> pinnedSha256) {

    public static final TlsTrust DEFAULT = new TlsTrust(Optional.empty(), Optional.empty());

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public boolean isDefault() {
        return caFile.isEmpty() && pinnedSha256.isEmpty();
    }

    /** {@code AB:CD:…} or {@code abcd…} as 64 lower-case hex digits; empty when it is not a SHA-256 fingerprint. */
    public static String normalizePin(String pin) {
        String hex = pin.strip().replace(":", "").toLowerCase(Locale.ROOT);
        return HEX64.matcher(hex).matches() ? hex : "";
    }
}
