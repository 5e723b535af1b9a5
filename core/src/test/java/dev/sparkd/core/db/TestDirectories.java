package dev.sparkd.core.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Directories for embedded PostgreSQL tests: under target/, never /tmp, binaries unpacked once per build. */
final class TestDirectories {

    static final Path ROOT = Path.of("target", "embedded-postgres-tests").toAbsolutePath();
    static final Path BINARIES = ROOT.resolve("binaries");

    private TestDirectories() {
    }

    /** A fresh directory for one test's state. */
    static Path fresh(String name) {
        Path dir = ROOT.resolve(name);
        DurableFiles.deleteTree(dir);
        DurableFiles.createSearchableDirectories(dir);
        return dir;
    }

    /** Options for a data directory in a fresh state directory, sharing the unpacked binaries. */
    static EmbeddedPostgresOptions.Builder options(String name) {
        return EmbeddedPostgresOptions.builder(fresh(name).resolve("postgres")).binariesDir(BINARIES);
    }

    /** A data directory a server has initialised and stopped, with the account and binaries to drive one by hand. */
    record Initialised(EmbeddedPostgresOptions options, ServerAccount account, PostgresBinaries binaries) {
    }

    static Initialised initialised(String name) {
        EmbeddedPostgresOptions options = options(name).build();
        EmbeddedPostgres.start(options).close();
        ServerAccount account = ServerAccount.forThisProcess(options.serverAccount());
        return new Initialised(options, account, PostgresBinaries.install(options.binariesDir(), account));
    }

    /** The effective uid of a process, from /proc. */
    static int uidOf(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
            }
        }
        throw new IOException("no Uid line for pid " + pid);
    }

    static List<Long> processesIn(Path dataDir) {
        return ProcFs.withWorkingDirectory(dataDir);
    }

    static boolean runningAsRoot() {
        return ServerAccount.effectiveUid() == 0;
    }
}
