package dev.sparkd.daemon.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.ConfigTable;
import dev.sparkd.core.config.DaemonSettings;
import dev.sparkd.core.config.Listen;
import dev.sparkd.core.config.SectionSchema;
import dev.sparkd.core.config.SuiteConfig;

class SparkdConfigSourceFactoryTest {
    @TempDir
    Path dir;

    record RouterLike(Listen listen) implements DaemonSettings {
    }

    static final class RouterLikeSchema extends SectionSchema<RouterLike> {
        public RouterLikeSchema() {
            super("router", RouterLike.class);
        }

        public RouterLike read(ConfigTable t, SuiteConfig core) {
            Listen listen = Listen.read(t, "listen", 8470);
            t.finish();
            return new RouterLike(listen);
        }
    }

    private SuiteConfig load(String toml) throws IOException {
        Path file = dir.resolve("sparkd.toml");
        Files.writeString(file, toml);
        return ConfigLoader.load(file, List.of(new RouterLikeSchema()));
    }

    @Test
    void listenAddressAndExternalDatabaseBecomeQuarkusSettings() throws IOException {
        Path password = dir.resolve("db-password");
        Files.writeString(password, "s3cret\n");
        SuiteConfig config = load("""
                [suite]
                state_dir = "/var/lib/lab"
                log_format = "json"

                [database]
                url = "postgresql://lab@10.0.0.5:5433/sparkd"
                password_file = "%s"

                [router]
                listen = "0.0.0.0:9470"
                """.formatted(password));
        Map<String, String> p = SparkdConfigSourceFactory.properties(config, "router", name -> null);
        assertThat(p).containsEntry("quarkus.http.host", "0.0.0.0")
                .containsEntry("quarkus.http.port", "9470")
                .containsEntry("quarkus.datasource.reactive.url", "postgresql://10.0.0.5:5433/sparkd")
                .containsEntry("quarkus.datasource.username", "lab")
                .containsEntry("quarkus.datasource.password", "s3cret")
                .containsEntry(SparkdConfigSourceFactory.JSON_LOG, "true")
                .containsEntry("sparkd.state-dir", "/var/lib/lab/router");
        assertThat(p.keySet()).as("one database stack: no JDBC datasource in a daemon").noneMatch(k -> k.contains("jdbc"));
    }

    @Test
    void defaultsToLoopbackAndTheEmbeddedDatabaseStartedByMain() throws IOException {
        Path password = dir.resolve("postgres.password");
        Files.writeString(password, "generated");
        SuiteConfig config = load("[suite]\nname = \"lab\"\n");
        Map<String, String> embedded = Map.of(
                SparkdConfigSourceFactory.EMBEDDED_DB_URL, "postgresql://127.0.0.1:54321/sparkd",
                SparkdConfigSourceFactory.EMBEDDED_DB_USER, "router",
                SparkdConfigSourceFactory.EMBEDDED_DB_PASSWORD_FILE, password.toString());
        Map<String, String> p = SparkdConfigSourceFactory.properties(config, "router", embedded::get);
        assertThat(p).containsEntry("quarkus.http.host", "127.0.0.1")
                .containsEntry("quarkus.http.port", "8470")
                .containsEntry("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:54321/sparkd")
                .containsEntry("quarkus.datasource.username", "router")
                .containsEntry("quarkus.datasource.password", "generated")
                .doesNotContainKey(SparkdConfigSourceFactory.JSON_LOG);
        assertThat(p.keySet()).noneMatch(k -> k.contains("jdbc"));
    }
}
