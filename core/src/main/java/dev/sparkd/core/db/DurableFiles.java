package dev.sparkd.core.db;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** File operations that survive a crash or power cut half-way, and do not depend on the umask. */
final class DurableFiles {

    static final Set<PosixFilePermission> SEARCHABLE_DIR = PosixFilePermissions.fromString("rwxr-xr-x");
    static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> READABLE_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private DurableFiles() {
    }

    /**
     * Creates {@code dir} and its missing parents with mode 755, whatever the umask: with a umask of
     * 077 (common on hardened root accounts) they would otherwise be unreachable for the server account.
     */
    static void createSearchableDirectories(Path dir) {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p);
                Files.setPosixFilePermissions(p, SEARCHABLE_DIR);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // Another daemon created it at the same moment.
            } catch (IOException e) {
                throw new EmbeddedPostgresException("could not create directory " + p + ": " + e.getMessage(), e);
            }
        }
    }

    /** Writes a file so that readers see either the old or the new content, never a torn one. */
    static void writeAtomically(Path file, String content, Set<PosixFilePermission> permissions) {
        Path temp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(permissions));
            Files.setPosixFilePermissions(temp, permissions); // the umask may have removed some
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(StandardCharsets.UTF_8.encode(content));
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(file.getParent());
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new EmbeddedPostgresException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Makes a rename or a new entry in {@code dir} durable. */
    static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the data itself is already synced.
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var tree = Files.walk(root)) {
            for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new EmbeddedPostgresException("could not delete " + root + ": " + e.getMessage(), e);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Left behind; harmless.
        }
    }
}
