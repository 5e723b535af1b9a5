package dev.sparkd.core.db;

import static dev.sparkd.core.db.EmbeddedPostgresTest.connect;
import static dev.sparkd.core.db.TestDirectories.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** What a crash leaves behind must not stop the next start, nor lose committed data. */
class EmbeddedPostgresRecoveryTest {

    @Test
    void restartsWithCommittedDataAfterThePostmasterIsKilled() throws Exception {
        EmbeddedPostgresOptions options = options("kill-9").build();
        EmbeddedPostgres crashed = EmbeddedPostgres.start(options);
        try (Connection c = connect(crashed); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE events (id int)");
            s.execute("INSERT INTO events VALUES (42)");
        }
        ProcessHandle.of(crashed.pid()).orElseThrow().destroyForcibly();
        waitUntil(() -> !crashed.isRunning());
        crashed.close(); // stands in for the JVM going away: releases the data directory
        assertThat(options.dataDir().resolve("postmaster.pid")).as("stale pid file of the killed server").exists();

        try (EmbeddedPostgres pg = EmbeddedPostgres.start(options);
                Connection c = connect(pg);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM events")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
    }

    @Test
    void stopsAServerLeftRunningByADaemonThatWasKilled() throws Exception {
        TestDirectories.Initialised cluster = TestDirectories.initialised("orphan");
        EmbeddedPostgresOptions options = cluster.options();
        // A daemon killed with -9 leaves its postmaster running; pg_ctl start reproduces that state.
        List<String> pgCtlStart = List.of(cluster.binaries().pgCtl().toString(), "start", "-w",
                "-D", options.dataDir().toString(), "-l", options.dataDir().resolve("orphan.log").toString());
        Commands.Result orphanStart = Commands.run(cluster.account().command(pgCtlStart), Duration.ofSeconds(60), null);
        assertThat(orphanStart.succeeded()).as(orphanStart.output()).isTrue();
        long orphanPid = DataDirectory.postmasterPid(options.dataDir().resolve("postmaster.pid")).orElseThrow();
        assertThat(ProcFs.isRunning(orphanPid)).isTrue();

        try (EmbeddedPostgres pg = EmbeddedPostgres.start(options); Connection c = connect(pg)) {
            assertThat(pg.pid()).isNotEqualTo(orphanPid);
            assertThat(ProcFs.isRunning(orphanPid)).isFalse();
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void setsANewPasswordWhenThePasswordFileWasLost() throws Exception {
        EmbeddedPostgresOptions options = options("lost-password").build();
        String oldPassword;
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(options)) {
            oldPassword = pg.password();
        }
        Files.delete(options.passwordFile());

        try (EmbeddedPostgres pg = EmbeddedPostgres.start(options); Connection c = connect(pg)) {
            assertThat(pg.password()).isNotEqualTo(oldPassword);
            assertThat(options.passwordFile()).exists();
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), pg.username(), oldPassword))
                    .isInstanceOf(SQLException.class);
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
