package dev.sparkd.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edge's keys in {@code [suite]} and the explicit locality of {@code compatible} services. */
class EdgeConfigTest {
    @TempDir
    Path dir;

    private SuiteConfig load(String toml) throws IOException {
        Path file = dir.resolve("sparkd.toml");
        Files.writeString(file, toml);
        return ConfigLoader.load(file, List.of());
    }

    @Test
    void edgeDefaultsKeepEverythingToTheMachine() throws IOException {
        SuiteConfig c = load("[suite]\nname = \"lab\"\n");
        assertThat(c.suite().edge()).isEqualTo(EdgeSettings.DEFAULTS);
        assertThat(c.suite().adminTokenFile()).isEqualTo(Suite.DEFAULT_STATE_DIR.resolve("admin-token"));
    }

    @Test
    void edgeKeysAreReadAndNormalized() throws IOException {
        SuiteConfig c = load("""
                [suite]
                state_dir = "state"
                allowed_hosts = ["Spark-1.LAN", "192.168.1.50", "[fd00::1]"]
                allowed_origins = ["https://Grafana.lan", "http://127.0.0.1:3000"]
                admin_token_file = "secrets/admin"
                metrics_admin_only = true
                """);
        EdgeSettings e = c.suite().edge();
        assertThat(e.allowedHosts()).containsExactly("spark-1.lan", "192.168.1.50", "[fd00::1]");
        assertThat(e.allowedOrigins()).containsExactly("https://grafana.lan", "http://127.0.0.1:3000");
        assertThat(e.adminToken()).map(Object::toString).hasValue("file:" + dir.resolve("secrets/admin"));
        assertThat(e.metricsAdminOnly()).isTrue();
    }

    @Test
    void localityIsExplicitForCompatibleProvidersOnly() throws IOException {
        SuiteConfig c = load("""
                [hosts.spark-1]
                address = "127.0.0.1"
                [services.ollama-1]
                kind = "ollama"
                host = "spark-1"
                [services.cloud]
                kind = "openai"
                api_key_env = "OPENAI_API_KEY"
                [services.lan]
                kind = "openai"
                provider = "compatible"
                url = "http://10.0.0.5:4000"
                local = true
                [services.hosted]
                kind = "openai"
                provider = "compatible"
                url = "https://llm.example.com"
                local = false
                """);
        assertThat(c.service("ollama-1").orElseThrow().local()).isTrue();
        assertThat(c.service("cloud").orElseThrow().local()).isFalse();
        assertThat(c.service("lan").orElseThrow().local()).isTrue();
        assertThat(c.service("hosted").orElseThrow().local()).isFalse();
        assertThat(c.service("hosted").orElseThrow().isCloud()).as("no per-token price is known for it").isFalse();
    }

    @Test
    void aCompatibleProviderWithoutLocalIsReportedWithAHint() {
        assertThatThrownBy(() -> load("""
                [services.litellm]
                kind = "openai"
                provider = "compatible"
                url = "http://10.0.0.5:4000"
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sparkd.toml:1:").hasMessageContaining("services.litellm")
                .hasMessageContaining("must say whether it is local")
                .hasMessageContaining("local = true");
    }
}
