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
    void twoDaemonsStartAtOnceSharingFreshBinaries() throws Exception {
        Path stateDir = TestDirectories.fresh("two-daemons");
        // Both unpack into the same, still empty, binaries directory at the same moment.
        CompletableFuture<EmbeddedPostgres> router = CompletableFuture.supplyAsync(
                () -> EmbeddedPostgres.start(EmbeddedPostgresOptions.forDaemon(stateDir, "router").build()));
        CompletableFuture<EmbeddedPostgres> gateway = CompletableFuture.supplyAsync(
                () -> EmbeddedPostgres.start(EmbeddedPostgresOptions.forDaemon(stateDir, "mcp-gateway").build()));
        try (EmbeddedPostgres a = router.join(); EmbeddedPostgres b = gateway.join();
                Connection ca = connect(a); Connection cb = connect(b)) {
            assertThat(a.port()).isNotEqualTo(b.port());
            assertThat(a.options().dataDir()).isEqualTo(stateDir.resolve("router/postgres"));
            assertThat(b.options().dataDir()).isEqualTo(stateDir.resolve("mcp-gateway/postgres"));
            assertThat(ca.isValid(5) && cb.isValid(5)).isTrue();
        } finally {
            router.thenAccept(EmbeddedPostgres::close);
            gateway.thenAccept(EmbeddedPostgres::close);
        }
        try (var entries = Files.list(stateDir.resolve("postgres-binaries"))) {
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
        EmbeddedPostgresOptions options = options("port-race").build();
        EmbeddedPostgres.start(options).close();
        ServerAccount account = ServerAccount.forThisProcess(options.serverAccount());
        PostgresBinaries binaries = PostgresBinaries.install(options.binariesDir(), account);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            new DataDirectory(options, binaries, account).writeServerConfig(taken.getLocalPort());
            // EmbeddedPostgres.start retries on this exception when it picked the port itself.
            assertThatThrownBy(() -> PostgresServer.start(options.dataDir(), taken.getLocalPort(), options.logFile(),
                    options.startupTimeout(), binaries, account))
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
