package dev.sparkd.daemon.edge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.jboss.logging.Logger;

import dev.sparkd.core.auth.SecretHash;
import dev.sparkd.core.config.SecretRef;
import dev.sparkd.core.config.SuiteConfig;
import jakarta.inject.Singleton;

/**
 * The per-install admin token: {@code [suite] admin_token_file}/{@code admin_token_env} when set, else
 * {@code <state_dir>/admin-token}, generated (mode 0600) by the first daemon that starts. The daemon keeps only its
 * SHA-256 and compares presented tokens in constant time ({@link SecretHash}). CLIs read the same file with
 * {@link #read(SuiteConfig)}, so nobody types it.
 */
@Singleton
public class AdminToken {
    private static final Logger LOG = Logger.getLogger(AdminToken.class);
    static final String PREFIX = "sparkd-admin-";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final byte[] sha256;
    private final String where;

    public AdminToken(SuiteConfig config) {
        this.where = describe(config);
        String token = config.suite().edge().adminToken().map(SecretRef::resolve)
                .orElseGet(() -> loadOrCreate(config.suite().adminTokenFile()));
        if (token.length() < 16 || token.length() > SecretHash.MAX_PRESENTED) {
            throw new IllegalStateException("the admin token in " + where + " must be 16 to " + SecretHash.MAX_PRESENTED
                    + " characters; generate one with `head -c 32 /dev/urandom | base64`");
        }
        this.sha256 = SecretHash.sha256(token);
    }

    /** Whether an {@code Authorization} header carries the admin token. */
    public boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return SecretHash.matches(authorization.substring(7).strip(), sha256);
    }

    /** Where the token comes from, for hints: {@code file:/var/lib/sparkd/admin-token} or {@code env:NAME}. */
    public String where() {
        return where;
    }

    /** The token for a CLI on this machine; fails with a hint when it does not exist yet or cannot be read. */
    public static String read(SuiteConfig config) {
        if (config.suite().edge().adminToken().isPresent()) {
            return config.suite().edge().adminToken().get().resolve();
        }
        Path file = config.suite().adminTokenFile();
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the admin token " + file + " (" + e.getClass().getSimpleName()
                    + "): start a daemon once to create it, and run this as the user the daemons run as (e.g. sudo -u sparkd)");
        }
    }

    static String describe(SuiteConfig config) {
        return config.suite().edge().adminToken().map(SecretRef::toString).orElse("file:" + config.suite().adminTokenFile());
    }

    /** Reads {@code file}, or creates it with a new token; two daemons starting at once end up with the same token. */
    static String loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                warnIfShared(file);
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".admin-token", ".tmp",
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            try {
                Files.writeString(tmp, SecretHash.generate(PREFIX, 32) + "\n", StandardCharsets.UTF_8);
                try {
                    Files.createLink(file, tmp); // fails if another daemon won the race: then theirs is the token
                    LOG.infof("created the admin token %s (mode 0600); CLIs on this machine read it from there", file);
                } catch (FileAlreadyExistsException lost) {
                    // keep the winner's
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the admin token " + file + ": " + e.getClass().getSimpleName()
                    + " — make the state directory writable, or set [suite] admin_token_file", e);
        }
    }

    private static void warnIfShared(Path file) throws IOException {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                LOG.warnf("the admin token %s is readable by other users (%s); run chmod 600 on it",
                        file, PosixFilePermissions.toString(perms));
            }
        } catch (UnsupportedOperationException notPosix) {
            // nothing to check
        }
    }
}
