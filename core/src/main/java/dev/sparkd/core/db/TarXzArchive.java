package dev.sparkd.core.db;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/** Unpacks the {@code .txz} archive of PostgreSQL binaries that zonky's jars carry. */
final class TarXzArchive {

    private TarXzArchive() {
    }

    /**
     * Extracts every entry below {@code target}, keeping symbolic links and the executable bits. Files
     * end up read-only for group and others (the server account only needs read and execute) and are
     * synced to disk, so a power cut cannot leave truncated binaries behind a completed unpack.
     */
    static void extract(InputStream txz, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(txz)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = root.resolve(entry.getName()).normalize();
                if (!path.startsWith(root)) {
                    throw new IOException("archive entry " + entry.getName() + " points outside " + root);
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    Files.setPosixFilePermissions(path, DurableFiles.SEARCHABLE_DIR);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Path linkTarget = Path.of(entry.getLinkName());
                    if (!path.getParent().resolve(linkTarget).normalize().startsWith(root)) {
                        throw new IOException("archive link " + entry.getName() + " points outside " + root);
                    }
                    Files.createSymbolicLink(path, linkTarget);
                } else if (entry.isLink()) {
                    Path source = root.resolve(entry.getLinkName()).normalize();
                    if (!source.startsWith(root)) {
                        throw new IOException("archive link " + entry.getName() + " points outside " + root);
                    }
                    Files.createDirectories(path.getParent());
                    Files.copy(source, path, StandardCopyOption.COPY_ATTRIBUTES);
                } else if (entry.isFile()) {
                    Files.createDirectories(path.getParent());
                    try (OutputStream out = Files.newOutputStream(path)) {
                        tar.transferTo(out);
                    }
                    syncFile(path);
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
            }
        }
    }

    private static void syncFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** The archive's mode with write access for group and others removed. */
    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        if ((mode & 0111) != 0) {
            perms.add(PosixFilePermission.OWNER_EXECUTE);
            perms.add(PosixFilePermission.GROUP_EXECUTE);
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        return perms;
    }
}
