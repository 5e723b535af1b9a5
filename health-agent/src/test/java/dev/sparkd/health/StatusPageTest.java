package dev.sparkd.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.sparkd.health.testing.SimulatedLab;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The status page in headless Chromium: after its scripts ran, the DOM shows every service with its state, the GB10
 * host with memory figures, and the incidents section. Needs Debian's {@code chromium} (health-agent/src/test/install.sh).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatedLab.class)
class StatusPageTest {
    @TestHTTPResource("/")
    URL page;

    static Path chromium() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(c))) {
                return Path.of(c);
            }
        }
        throw new AssertionError("headless Chromium not found: run health-agent/src/test/install.sh (apt-get install chromium chromium-driver)");
    }

    static String chrome(List<String> extra, String url) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--user-data-dir=" + Path.of("target/chromium-profile").toAbsolutePath(),
                "--virtual-time-budget=5000"));
        cmd.addAll(extra);
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void showsServicesHostsAndIncidents() throws Exception {
        // Wait until the fleet is up, so the page has something to show.
        for (String s : List.of("ollama-1", "vllm-1", "llamacpp-1")) {
            FleetApiTest.awaitService(s, j -> "UP".equals(j.getString("state")) || "DEGRADED".equals(j.getString("state")), Duration.ofSeconds(20));
        }
        FleetApiTest.awaitHost("spark-1", j -> j.getBoolean("ok"));
        String dom = chrome(List.of("--dump-dom"), page.toString());
        assertThat(dom).contains("data-service=\"ollama-1\"").contains("data-service=\"vllm-1\"").contains("data-service=\"cloud\"");
        assertThat(dom).containsPattern("data-service=\"vllm-1\" data-state=\"(UP|DEGRADED)\"");
        assertThat(dom).contains("data-host=\"spark-1\"").contains("unified: shared with the GPU").contains("NVIDIA GB10");
        assertThat(dom).containsPattern("services up");
        assertThat(dom).doesNotContain("cannot reach the agent");
        chrome(List.of("--screenshot=" + Path.of("target/status-page.png").toAbsolutePath(), "--window-size=1200,900"), page.toString());
        assertThat(Path.of("target/status-page.png")).exists();
    }
}
