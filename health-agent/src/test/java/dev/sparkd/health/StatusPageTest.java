package dev.sparkd.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.daemon.testing.HeadlessChromium;
import dev.sparkd.health.testing.SimulatedLab;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The status page in headless Chromium: after its scripts ran, the DOM shows every service with its state, the GB10
 * host with memory figures, the incidents section, and each service's 24-hour timeline with the outage it really had,
 * placed at the right end of the bar. Needs Debian's {@code chromium} (scripts/provision-tests).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatedLab.class)
class StatusPageTest {
    @TestHTTPResource("/")
    URL page;

    @Test
    void showsServicesHostsIncidentsAndTheRealTimeline() throws Exception {
        for (String s : List.of("ollama-1", "vllm-1", "llamacpp-1")) {
            FleetApiTest.awaitService(s, j -> "UP".equals(j.getString("state")) || "DEGRADED".equals(j.getString("state")), Duration.ofSeconds(20));
        }
        FleetApiTest.awaitHost("spark-1", j -> j.getBoolean("ok"));
        // A real outage of llama.cpp, then its recovery: the timeline must show both, from the stored state history.
        SimulatedLab.sim().control().setFault("llamacpp-1", Fault.of(FaultType.DOWN));
        try {
            SimulatedLab.sim().control().settled("llamacpp-1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            FleetApiTest.awaitService("llamacpp-1", j -> "DOWN".equals(j.getString("state")), Duration.ofSeconds(30));
        } finally {
            SimulatedLab.sim().control().clearFaults("llamacpp-1");
        }
        FleetApiTest.awaitService("llamacpp-1", j -> "UP".equals(j.getString("state")) || "DEGRADED".equals(j.getString("state")), Duration.ofSeconds(30));

        try (HeadlessChromium browser = HeadlessChromium.start(Path.of("target/chromium-profile"), 1200, 900)) {
            browser.open(page.toString());
            browser.waitUntil("document.querySelector('[data-service=\"llamacpp-1\"] .timeline span[data-state=\"DOWN\"]')", Duration.ofSeconds(20));
            String dom = browser.dom();
            assertThat(dom).contains("data-service=\"ollama-1\"").contains("data-service=\"vllm-1\"").contains("data-service=\"cloud\"");
            assertThat(dom).containsPattern("data-service=\"vllm-1\" data-state=\"(UP|DEGRADED)\"");
            assertThat(dom).contains("data-host=\"spark-1\"").contains("unified: shared with the GPU").contains("NVIDIA GB10");
            assertThat(dom).containsPattern("services up");
            assertThat(dom).doesNotContain("cannot reach the agent");

            JsonNode bars = browser.eval("[...document.querySelectorAll('[data-service=\"llamacpp-1\"] .timeline span')].map(s => "
                    + "({state: s.dataset.state, left: parseFloat(s.style.left), width: parseFloat(s.style.width), "
                    + "px: s.getBoundingClientRect().width}))");
            List<String> states = bars.findValuesAsText("state");
            int down = states.lastIndexOf("DOWN");
            assertThat(down).as("a DOWN stretch: %s", bars).isGreaterThanOrEqualTo(0);
            assertThat(states.subList(down + 1, states.size())).as("recovered after it: %s", bars).isNotEmpty()
                    .allMatch(s -> s.equals("UP") || s.equals("DEGRADED"));
            JsonNode last = bars.get(bars.size() - 1);
            assertThat(last.get("left").asDouble() + last.get("width").asDouble()).as("the bar ends now: %s", bars).isCloseTo(100.0, within(0.05));
            assertThat(bars.get(0).get("left").asDouble()).as("the agent's history began minutes ago, at the right end: %s", bars)
                    .isGreaterThan(95.0);
            assertThat(bars.get(down).get("px").asDouble()).as("a short outage stays visible").isGreaterThanOrEqualTo(2.0);
            browser.screenshot(Path.of("target/status-page.png"));
        }
    }
}
