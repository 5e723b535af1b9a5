package dev.sparkd.core.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;

/**
 * The embedded server's password, generated once and kept in a file only this process's user can
 * read. It is never logged; the server itself stores only a SCRAM verifier.
 */
final class PasswordFile {

    private static final Logger LOG = Logger.getLogger(PasswordFile.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordFile() {
    }

    /** 192 random bits, URL-safe so the password needs no escaping anywhere. */
    static String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static Optional<String> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!DurableFiles.PRIVATE_FILE.containsAll(perms)) {
                LOG.warnf("%s was readable by other users; restricting it to its owner", file);
                Files.setPosixFilePermissions(file, DurableFiles.PRIVATE_FILE);
            }
            String password = Files.readString(file).strip();
            if (password.isEmpty()) {
                throw new EmbeddedPostgresException(file + " is empty; delete it and a new password is set at the next start");
            }
            return Optional.of(password);
        } catch (IOException e) {
            throw new EmbeddedPostgresException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    static void write(Path file, String password) {
        DurableFiles.writeAtomically(file, password + "\n", DurableFiles.PRIVATE_FILE);
    }
}
