package dev.sparkd.simulator.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/** An OpenSSH {@code authorized_keys} file the simulator makes sure lets its own client key in. */
public final class AuthorizedKeysFile {
    private AuthorizedKeysFile() {
    }

    /**
     * Appends {@code key} to {@code file} unless an entry for the same key is already there (other entries stay as they
     * are). Creates the file (mode 0600, as sshd's StrictModes wants) and its parent directories when missing.
     *
     * @return true when the file changed
     */
    public static synchronized boolean ensureContains(Path file, PublicKey key, String comment) throws IOException {
        if (Files.isRegularFile(file) && contains(file, key)) {
            return false;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        boolean existed = Files.exists(file);
        String existing = existed ? Files.readString(file, StandardCharsets.UTF_8) : "";
        String separator = existing.isEmpty() || existing.endsWith("\n") ? "" : "\n";
        Files.writeString(file, separator + PublicKeyEntry.toString(key) + " " + comment + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (!existed) {
            restrict(file);
        }
        return true;
    }

    private static boolean contains(Path file, PublicKey key) throws IOException {
        for (AuthorizedKeyEntry entry : AuthorizedKeyEntry.readAuthorizedKeys(file)) {
            try {
                PublicKey k = entry.resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
                if (k != null && KeyUtils.compareKeys(k, key)) {
                    return true;
                }
            } catch (java.security.GeneralSecurityException | RuntimeException e) {
                // an entry this simulator cannot read is not ours: keep looking
            }
        }
        return false;
    }

    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX filesystem
        }
    }
}
