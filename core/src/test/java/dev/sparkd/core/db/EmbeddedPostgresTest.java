package dev.sparkd.core.db;

import static dev.sparkd.core.db.TestDirectories.options;
import static dev.sparkd.core.db.TestDirectories.processesIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

class EmbeddedPostgresTest {

    @Test
    void keepsCommittedDataAcrossRestartsWithDurableSettings() throws Exception {
        EmbeddedPostgresOptions options = options("restart").database("router").build();
        String password;
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(options)) {
            password = pg.password();
            assertThat(pg.reactiveUrl()).isEqualTo("postgresql://127.0.0.1:" + pg.port() + "/router");
            assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/router");
            assertThat(pg.toString()).doesNotContain(password);
            try (Connection c = connect(pg); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)");
                s.execute("INSERT INTO notes VALUES (1, 'survives a restart')");
                assertThat(show(s, "fsync")).isEqualTo("on");
                assertThat(show(s, "synchronous_commit")).isEqualTo("on");
                assertThat(show(s, "full_page_writes")).isEqualTo("on");
                assertThat(show(s, "listen_addresses")).isEqualTo("127.0.0.1");
                assertThat(show(s, "unix_socket_directories")).isEmpty();
                assertThat(show(s, "server_encoding")).isEqualTo("UTF8");
            }
        }
        assertThat(Files.getPosixFilePermissions(options.passwordFile()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(options.logFile()).exists();

        try (EmbeddedPostgres pg = EmbeddedPostgres.start(options);
                Connection c = connect(pg);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT body FROM notes WHERE id = 1")) {
            assertThat(pg.password()).isEqualTo(password);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("survives a restart");
        }
    }

    @Test
    void requiresThePasswordRunsUnprivilegedAndLeavesNoProcessBehind() throws Exception {
        EmbeddedPostgresOptions options = options("security").build();
        Path dataDir = options.dataDir();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(options)) {
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), pg.username(), "wrong-password"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
            try (Connection c = connect(pg); Statement s = c.createStatement()) {
                assertThat(show(s, "password_encryption")).isEqualTo("scram-sha-256");
            }
            assertThat(processesIn(dataDir)).contains(pg.pid());
            if (TestDirectories.runningAsRoot()) {
                // PostgreSQL refuses root; the manager must have switched every server process to nobody.
                for (long pid : processesIn(dataDir)) {
                    assertThat(TestDirectories.uidOf(pid)).as("uid of pid %d", pid).isNotZero();
                }
            }
        }
        assertThat(processesIn(dataDir)).isEmpty();
        assertThat(dataDir.resolve("postmaster.pid")).doesNotExist();
    }

    @Test
    void refusesASecondServerOnTheSameDataDirectory() {
        EmbeddedPostgresOptions options = options("same-dir").build();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(options)) {
            assertThatThrownBy(() -> EmbeddedPostgres.start(options))
                    .isInstanceOf(EmbeddedPostgresException.class)
                    .hasMessageContaining("is in use by another embedded PostgreSQL");
            assertThat(pg.isRunning()).isTrue();
        }
    }

    static Connection connect(EmbeddedPostgres pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
    }

    static String show(Statement s, String setting) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
