package dev.sparkd.simulator.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * An Ed25519 key pair in an OpenSSH-format private key file ({@code -----BEGIN OPENSSH PRIVATE KEY-----}, mode 0600,
 * with {@code .pub} next to it, as {@code ssh-keygen -t ed25519} writes them): a simulated host's key (like
 * {@code /etc/ssh/ssh_host_ed25519_key}) or the client key the simulator hands to the demo. Generated on first use and
 * persisted, so known_hosts entries and authorized_keys stay valid across restarts; shown the way OpenSSH shows it
 * ({@code SHA256:…} fingerprint, {@code ssh-ed25519 AAAA…} public line).
 */
public final class SshKeyFile {
    private final KeyPair keyPair;

    private SshKeyFile(KeyPair keyPair) {
        this.keyPair = keyPair;
    }

    /** Loads the key in {@code file}, or generates one there (creating parent directories). */
    public static SshKeyFile loadOrCreate(Path file) throws IOException {
        try {
            if (Files.exists(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    Iterator<KeyPair> it = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, null).iterator();
                    if (!it.hasNext()) {
                        throw new IOException("no key in " + file);
                    }
                    return new SshKeyFile(it.next());
                }
            }
            KeyPair kp = KeyUtils.generateKeyPair(KeyPairs.ED25519, 256);
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            // Written whole or not at all: a half-written key (a failure mid-write) would break every later start.
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".tmp");
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, "sparkd-simulator", null, out);
                }
                restrict(tmp);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            Files.writeString(file.resolveSibling(file.getFileName() + ".pub"),
                    PublicKeyEntry.toString(kp.getPublic()) + " sparkd-simulator\n", StandardCharsets.UTF_8);
            return new SshKeyFile(kp);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load or create SSH key " + file + ": " + e.getMessage(), e);
        }
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    /** As {@code ssh-keygen -lf} and the client's "key fingerprint is" line print it: {@code SHA256:<base64, no padding>}. */
    public String fingerprint() {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, keyPair.getPublic());
    }

    /** {@code ssh-ed25519 AAAA…}: the key part of a known_hosts line. */
    public String publicKeyEntry() {
        return PublicKeyEntry.toString(keyPair.getPublic());
    }

    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX filesystem: the key still works
        }
    }

    /** Key type names as MINA spells them. */
    static final class KeyPairs {
        static final String ED25519 = "ssh-ed25519";

        private KeyPairs() {
        }
    }
}
