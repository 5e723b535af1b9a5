package dev.sparkd.simulator.cloud;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The one API key a simulated provider accepts. Read from a file so the daemons under test read the same file
 * (their {@code api_key_file}); generated there when missing, so no key is ever committed.
 */
public final class CloudApiKey {
    private static final SecureRandom RANDOM = new SecureRandom();

    private CloudApiKey() {
    }

    /** {@code sk-sim-} and 32 hex digits: shaped like a provider key, obviously not a real one. */
    public static String generate() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return "sk-sim-" + HexFormat.of().formatHex(b);
    }

    /** The key in {@code file} (first line, trimmed), or a new one written there with mode 0600. */
    public static String loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            String key = Files.readString(file, StandardCharsets.UTF_8).strip().lines().findFirst().orElse("").strip();
            if (key.isEmpty()) {
                throw new IOException("API key file " + file + " is empty: delete it to have a key generated");
            }
            return key;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String key = generate();
        Files.createFile(file);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX filesystem
        }
        Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
        return key;
    }
}
