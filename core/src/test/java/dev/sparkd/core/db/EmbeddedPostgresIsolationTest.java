package dev.sparkd.core.db;

import static dev.sparkd.core.db.EmbeddedPostgresTest.connect;
import static dev.sparkd.core.db.TestDirectories.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Two daemons on one machine must not collide, and collisions that cannot be avoided must be explained. */
class EmbeddedPostgresIsolationTest {

    @Test
    void twoServersStartAtOnceSharingFreshBinaries() throws Exception {
        Path root = TestDirectories.fresh("two-servers");
        Path binaries = root.resolve("postgres-binaries");
        // Both unpack into the same, still empty, binaries directory at the same moment.
        CompletableFuture<EmbeddedPostgres> first = CompletableFuture.supplyAsync(() -> EmbeddedPostgres.start(
                EmbeddedPostgresOptions.forHost(root.resolve("one")).binariesDir(binaries).build()));
        CompletableFuture<EmbeddedPostgres> second = CompletableFuture.supplyAsync(() -> EmbeddedPostgres.start(
                EmbeddedPostgresOptions.forHost(root.resolve("two")).binariesDir(binaries).build()));
        try (EmbeddedPostgres a = first.join(); EmbeddedPostgres b = second.join();
                Connection ca = connect(a); Connection cb = connect(b)) {
            assertThat(a.port()).isNotEqualTo(b.port());
            assertThat(a.options().dataDir()).isEqualTo(root.resolve("one/postgres"));
            assertThat(b.options().dataDir()).isEqualTo(root.resolve("two/postgres"));
            assertThat(ca.isValid(5) && cb.isValid(5)).isTrue();
        } finally {
            first.thenAccept(EmbeddedPostgres::close);
            second.thenAccept(EmbeddedPostgres::close);
        }
        try (var entries = Files.list(binaries)) {
            assertThat(entries.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".lock")))
                    .as("one complete unpack, no leftovers").containsExactly("18.6.0-" + archDir());
        }
    }

    @Test
    void explainsATakenPortBeforeDoingAnyWork() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            EmbeddedPostgresOptions options = options("port-taken").port(taken.getLocalPort()).build();
            assertThatThrownBy(() -> EmbeddedPostgres.start(options))
                    .isInstanceOf(EmbeddedPostgresException.class)
                    .hasMessageContaining("port " + taken.getLocalPort())
                    .hasMessageContaining("port 0")
                    .hasMessageContaining("[database] url");
            assertThat(options.dataDir()).doesNotExist();
        }
    }

    @Test
    void recognisesAPortTakenBetweenPickingAndBindingIt() throws Exception {
        TestDirectories.Initialised cluster = TestDirectories.initialised("port-race");
        EmbeddedPostgresOptions options = cluster.options();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            new DataDirectory(options, cluster.binaries(), cluster.account()).writeServerConfig(taken.getLocalPort());
            // EmbeddedPostgres.start retries on this exception when it picked the port itself.
            assertThatThrownBy(() -> PostgresServer.start(options.dataDir(), taken.getLocalPort(), options.logFile(),
                    options.startupTimeout(), cluster.binaries(), cluster.account()))
                    .isInstanceOf(PostgresServer.PortTakenException.class)
                    .hasMessageContaining("port " + taken.getLocalPort());
        }
        assertThat(TestDirectories.processesIn(options.dataDir())).isEmpty();
    }

    @Test
    void explainsADirectoryTheServerAccountCannotEnter() throws Exception {
        Assumptions.assumeTrue(TestDirectories.runningAsRoot(), "only root switches to another account");
        Path locked = TestDirectories.fresh("locked");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        EmbeddedPostgresOptions options = EmbeddedPostgresOptions.builder(locked.resolve("router/postgres"))
                .binariesDir(TestDirectories.BINARIES).build();
        assertThatThrownBy(() -> EmbeddedPostgres.start(options))
                .isInstanceOf(EmbeddedPostgresException.class)
                .hasMessageContaining("user 'nobody'")
                .hasMessageContaining("cannot enter directory " + locked)
                .hasMessageContaining("chmod o+x " + locked);
    }

    @Test
    void explainsAnUnsupportedArchitecture() {
        String arch = System.getProperty("os.arch");
        System.setProperty("os.arch", "riscv64");
        try {
            assertThatThrownBy(() -> PostgresBinaries.install(TestDirectories.BINARIES, null))
                    .isInstanceOf(EmbeddedPostgresException.class)
                    .hasMessageContaining("no embedded PostgreSQL for riscv64")
                    .hasMessageContaining("[database] url");
        } finally {
            System.setProperty("os.arch", arch);
        }
    }

    private static String archDir() {
        return PostgresBinaries.Platform.current().arch();
    }
}
