package dev.sparkd.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

/** {@code sparkd db}: one server per host, found through the state directory, brought back when it dies. */
class SupervisedPostgresTest {

    @Test
    void restartsAKilledServerOnTheSamePortWithItsDataAndStopsCleanly() throws Exception {
        Path stateDir = TestDirectories.fresh("supervised");
        Files.createSymbolicLink(stateDir.resolve("postgres-binaries"), TestDirectories.BINARIES); // unpacked once per build
        HostDatabase host = new HostDatabase(stateDir);
        SupervisedPostgres server = SupervisedPostgres.start(host);
        long firstPid = server.pid();
        int port = server.port();
        try {
            assertThat(host.recordedPort()).isEqualTo(OptionalInt.of(port));
            assertThat(host.awaitServer(Duration.ofSeconds(5))).isEqualTo(port);
            assertThat(stateDir.resolve("postgres/PG_VERSION")).as("data under state_dir/postgres").exists();
            assertThat(Files.getPosixFilePermissions(host.superuserPasswordFile())).isEqualTo(DurableFiles.PRIVATE_FILE);
            try (Connection c = connect(host, port); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE spend (cents int)");
                s.execute("INSERT INTO spend VALUES (125)");
            }

            ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (server.restarts() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(server.restarts()).as("restarted after kill -9").isEqualTo(1);
            assertThat(server.pid()).isNotEqualTo(firstPid);
            assertThat(server.port()).as("the daemons' pools reconnect to the same port").isEqualTo(port);
            try (Connection c = connect(host, port); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT cents FROM spend")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(125);
            }
        } finally {
            server.close();
        }
        assertThat(server.awaitStopped()).as("a requested stop is not a failure").isTrue();
        assertThat(TestDirectories.processesIn(stateDir.resolve("postgres"))).as("no postgres left behind").isEmpty();
        assertThatThrownBy(() -> connect(host, port)).isInstanceOf(SQLException.class);
        assertThat(new HostDatabase(stateDir).serverOptions().port()).as("the next start reuses the port").isEqualTo(port);
    }

    @Test
    void aDaemonWaitingForAServerThatNeverRanIsToldHowToStartIt() {
        HostDatabase host = new HostDatabase(TestDirectories.fresh("no-server"));
        assertThatThrownBy(() -> host.awaitServer(Duration.ofMillis(300)))
                .isInstanceOf(EmbeddedPostgresException.class)
                .hasMessageContaining("sparkd db --config FILE")
                .hasMessageContaining("sparkd-postgres.service");
    }

    @Test
    void eachDaemonHasItsOwnSchemaRoleAndPasswordFile() {
        HostDatabase host = new HostDatabase(Path.of("/var/lib/sparkd"));
        assertThat(HostDatabase.schema("health-agent")).isEqualTo("health_agent");
        assertThat(host.passwordFile("router")).isEqualTo(Path.of("/var/lib/sparkd/router/db.password"));
        assertThat(host.superuserPasswordFile()).isEqualTo(Path.of("/var/lib/sparkd/postgres.password"));
    }

    private static Connection connect(HostDatabase host, int port) throws SQLException {
        String password = HostDatabase.readPassword(host.superuserPasswordFile()).orElseThrow();
        return DriverManager.getConnection(HostDatabase.jdbcUrl(port), HostDatabase.SUPERUSER, password);
    }
}
