package dev.sparkd.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EmbeddedPostgresTestResourceTest {

    @Test
    void providesTheDatasourceSettingsOfARunningServerAndRemovesItAfterwards() throws Exception {
        EmbeddedPostgresTestResource resource = new EmbeddedPostgresTestResource();
        resource.init(Map.of(EmbeddedPostgresTestResource.DATABASE, "gateway"));
        Map<String, String> config = resource.start();
        String jdbcUrl = config.get("quarkus.datasource.jdbc.url");
        try {
            assertThat(config).containsOnlyKeys("quarkus.datasource.reactive.url", "quarkus.datasource.jdbc.url",
                    "quarkus.datasource.username", "quarkus.datasource.password");
            assertThat(config.get("quarkus.datasource.reactive.url")).matches("postgresql://127\\.0\\.0\\.1:\\d+/gateway");
            try (Connection c = DriverManager.getConnection(jdbcUrl, config.get("quarkus.datasource.username"),
                    config.get("quarkus.datasource.password"));
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_database()")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("gateway");
            }
            assertThat(Path.of("target/sparkd-test-postgres/binaries")).isDirectory();
        } finally {
            resource.stop();
        }
        assertThatThrownBy(() -> DriverManager.getConnection(jdbcUrl, config.get("quarkus.datasource.username"),
                config.get("quarkus.datasource.password"))).isInstanceOf(SQLException.class);
        try (var runs = java.nio.file.Files.list(Path.of("target/sparkd-test-postgres"))) {
            assertThat(runs.map(p -> p.getFileName().toString())).doesNotContain("run-" + ProcessHandle.current().pid() + "-1");
        }
    }
}
