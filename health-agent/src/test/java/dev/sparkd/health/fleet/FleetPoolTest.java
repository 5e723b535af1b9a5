package dev.sparkd.health.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.SuiteConfig;

/**
 * The shared pool has room for every service of the busiest server to probe at once: a thousand endpoints behind one
 * server must not queue behind four connections (and time out in that queue), and a single server is not flooded.
 */
class FleetPoolTest {
    @TempDir
    Path dir;

    @Test
    void servicesOnOneServerGetConnectionsEachUpToTheCap() throws IOException {
        assertThat(Fleet.poolSize(config(1, "127.0.0.1:9000").services().values())).isEqualTo(4);
        assertThat(Fleet.poolSize(config(10, "127.0.0.1:9000").services().values())).isEqualTo(40);
        assertThat(Fleet.poolSize(config(1000, "127.0.0.1:9000").services().values()))
                .isEqualTo(Fleet.MAX_CONNECTIONS_PER_ENDPOINT);
    }

    @Test
    void servicesOnDifferentServersDoNotAddUp() throws IOException {
        StringBuilder toml = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            toml.append("[services.s%d]\nkind = \"http\"\nurl = \"http://127.0.0.1:%d/health\"\n".formatted(i, 9000 + i));
        }
        assertThat(Fleet.poolSize(load(toml.toString()).services().values())).isEqualTo(4);
    }

    private SuiteConfig config(int services, String hostPort) throws IOException {
        StringBuilder toml = new StringBuilder();
        for (int i = 0; i < services; i++) {
            toml.append("[services.s%d]\nkind = \"http\"\nurl = \"http://%s/e/%d\"\n".formatted(i, hostPort, i));
        }
        return load(toml.toString());
    }

    private SuiteConfig load(String services) throws IOException {
        Path file = dir.resolve("sparkd.toml");
        Files.writeString(file, "[suite]\nstate_dir = \"state\"\n\n" + services);
        return ConfigLoader.load(file);
    }
}
