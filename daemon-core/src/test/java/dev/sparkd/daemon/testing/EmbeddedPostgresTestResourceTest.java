package dev.sparkd.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EmbeddedPostgresTestResourceTest {

    @Test
    void providesAMigratedSchemaUnderTheDaemonsOwnRoleAndRemovesItAfterwards() throws Exception {
        EmbeddedPostgresTestResource resource = new EmbeddedPostgresTestResource();
        resource.init(Map.of(EmbeddedPostgresTestResource.DAEMON, "test-daemon"));
        Map<String, String> config = resource.start();
        String jdbcUrl = "jdbc:" + config.get("quarkus.datasource.reactive.url");
        String user = config.get("quarkus.datasource.username");
        String password = config.get("quarkus.datasource.password");
        try {
            assertThat(config).containsOnlyKeys("quarkus.datasource.reactive.url", "quarkus.datasource.username",
                    "quarkus.datasource.password");
            assertThat(config.get("quarkus.datasource.reactive.url")).matches("postgresql://127\\.0\\.0\\.1:\\d+/sparkd");
            assertThat(user).isEqualTo("test_daemon");
            try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement()) {
                assertThat(single(s, "SELECT current_schema()")).containsExactly("test_daemon");
                // The shared table and the daemon's own, both owned by the daemon's role, found without a prefix.
                assertThat(single(s, "SELECT tablename || ':' || tableowner FROM pg_tables WHERE schemaname = 'test_daemon'"
                        + " AND tablename <> 'flyway_schema_history' ORDER BY 1"))
                        .containsExactly("daemon_start:test_daemon", "note:test_daemon");
                s.execute("INSERT INTO note (text) VALUES ('x')");
                assertThat(single(s, "SELECT version FROM flyway_schema_history ORDER BY installed_rank"))
                        .containsExactly("0.1", "1");
            }
            assertThat(Path.of("target/sparkd-test-postgres/binaries")).isDirectory();
        } finally {
            resource.stop();
        }
        assertThatThrownBy(() -> DriverManager.getConnection(jdbcUrl, user, password)).isInstanceOf(SQLException.class);
        try (var runs = Files.list(Path.of("target/sparkd-test-postgres"))) {
            assertThat(runs.map(p -> p.getFileName().toString())).doesNotContain("run-" + ProcessHandle.current().pid() + "-1");
        }
    }

    private static List<String> single(Statement s, String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
