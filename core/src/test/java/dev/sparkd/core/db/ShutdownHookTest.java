package dev.sparkd.core.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Ctrl-C (SIGINT) or SIGTERM to a daemon must not leave its postgres running. */
class ShutdownHookTest {

    @Test
    void interruptingTheJvmStopsTheServer() throws Exception {
        Path dataDir = TestDirectories.fresh("ctrl-c").resolve("postgres");
        String java = ProcessHandle.current().info().command().orElse("java");
        // `env --default-signal=INT`: a test run started in the background by a shell inherits SIGINT ignored, and a JVM
        // that starts with SIGINT ignored never installs its handler; a terminal's Ctrl-C reaches a foreground daemon.
        Process daemon = new ProcessBuilder("env", "--default-signal=INT", java, "-cp", System.getProperty("java.class.path"), Daemon.class.getName(),
                dataDir.toString(), TestDirectories.BINARIES.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            long postmaster = CompletableFuture.supplyAsync(() -> Daemon.awaitReady(daemon)).get(120, TimeUnit.SECONDS);
            assertThat(ProcFs.isRunning(postmaster)).isTrue();

            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(daemon.pid())).start();
            assertThat(kill.waitFor()).isZero();
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as("daemon exits").isTrue();

            assertThat(ProcFs.isRunning(postmaster)).isFalse();
            assertThat(TestDirectories.processesIn(dataDir)).isEmpty();
            assertThat(dataDir.resolve("postmaster.pid")).doesNotExist();
        } finally {
            daemon.destroyForcibly();
        }
    }

    /** Stands in for a daemon's main: starts the server and runs until signalled. */
    public static final class Daemon {
        public static void main(String[] args) throws InterruptedException {
            EmbeddedPostgres postgres = EmbeddedPostgres.start(EmbeddedPostgresOptions.builder(Path.of(args[0]))
                    .binariesDir(Path.of(args[1])).build());
            System.out.println("READY " + postgres.pid());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }

        /** Waits for the daemon's READY line; returns the postmaster's pid it names. */
        static long awaitReady(Process daemon) {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("READY ")) {
                        return Long.parseLong(line.substring(6).strip());
                    }
                }
                throw new IllegalStateException("daemon exited before the server was ready");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
