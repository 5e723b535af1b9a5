package dev.sparkd.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.db.HostDatabase;
import dev.sparkd.core.db.SupervisedPostgres;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code sparkd migrate} against the host's server as {@code sparkd db} runs it, under a checkout's target/. One
 * server for the class; the first test sees the schema fresh.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrateCommandTest {

    private static final Path ROOT = Path.of("target", "migrate-tests").toAbsolutePath();
    private static SupervisedPostgres server;
    private static SuiteConfig config;
    private static HostDatabase host;

    @BeforeAll
    static void startTheHostsServer() throws IOException {
        Path stateDir = ROOT.resolve("state");
        deleteTree(stateDir);
        Files.createDirectories(stateDir);
        Path binaries = ROOT.resolve("binaries"); // unpacked once per clean build
        Files.createDirectories(binaries);
        Files.createSymbolicLink(stateDir.resolve("postgres-binaries"), binaries);
        // Searchable, in case the server runs as nobody (tests as root).
        for (Path p = stateDir; p.startsWith(ROOT.getParent()); p = p.getParent()) {
            p.toFile().setExecutable(true, false);
        }
        Path file = ROOT.resolve("sparkd.toml");
        // relative to the file: an absolute path under /tmp (a checkout there) would be refused as volatile
        Files.writeString(file, "[suite]\nstate_dir = \"" + ROOT.relativize(stateDir) + "\"\n");
        config = ConfigLoader.load(file, List.of());
        host = new HostDatabase(stateDir);
        server = SupervisedPostgres.start(host);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void givesEachDaemonItsOwnRoleAndSchemaAndRunsItsMigrationsOnce() throws Exception {
        Login sample = MigrateCommand.prepareLogin(config, "sample-daemon");
        MigrateResult first = SchemaMigrator.migrate(sample, "sample-daemon");
        assertThat(first.migrationsExecuted).as("shared daemon_start, then V1 and V2").isEqualTo(3);
        assertThat(first.targetSchemaVersion).isEqualTo("2");

        Path passwordFile = host.passwordFile("sample-daemon");
        assertThat(Files.readString(passwordFile).strip()).isEqualTo(sample.password());
        assertThat(Files.getPosixFilePermissions(passwordFile)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        assertThat(sample.user()).isEqualTo("sample_daemon");

        // Again, as before every start: same password, nothing left to apply.
        Login again = MigrateCommand.prepareLogin(config, "sample-daemon");
        assertThat(again.password()).isEqualTo(sample.password());
        assertThat(SchemaMigrator.migrate(again, "sample-daemon").migrationsExecuted).isZero();

        try (Connection c = sample.connect(Duration.ofSeconds(5)); Statement s = c.createStatement()) {
            s.execute("INSERT INTO item (name, price_cents) VALUES ('gpu hour', 125)");
            assertThat(rows(s, "SELECT tablename || ':' || tableowner FROM pg_tables WHERE schemaname = 'sample_daemon'"
                    + " ORDER BY 1")).containsExactly("daemon_start:sample_daemon", "flyway_schema_history:sample_daemon",
                    "item:sample_daemon");
        }
    }

    @Test
    void oneDaemonsRoleCannotReadAnothersSchema() throws Exception {
        SchemaMigrator.migrate(MigrateCommand.prepareLogin(config, "sample-daemon"), "sample-daemon");
        Login other = MigrateCommand.prepareLogin(config, "other-daemon");
        SchemaMigrator.migrate(other, "other-daemon");
        try (Connection c = other.connect(Duration.ofSeconds(5)); Statement s = c.createStatement()) {
            assertThat(rows(s, "SELECT count(*) FROM other")).containsExactly("0");
            assertThatThrownBy(() -> s.executeQuery("SELECT * FROM sample_daemon.item"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
        }
    }

    @Test
    void aDaemonWithoutScriptsOnTheClassPathIsRefusedNotSilentlyEmpty() throws Exception {
        Login login = MigrateCommand.prepareLogin(config, "router"); // the router's jar is not on this class path
        assertThatThrownBy(() -> SchemaMigrator.migrate(login, "router")).hasMessageContaining("db/router");
    }

    private static List<String> rows(Statement s, String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
