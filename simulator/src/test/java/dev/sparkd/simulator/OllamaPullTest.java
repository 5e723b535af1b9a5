package dev.sparkd.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import dev.sparkd.simulator.host.Disk;
import dev.sparkd.simulator.testing.SimToml;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/pull} against ollama/ollama @ fb30760 {@code server/images.go} PullModel, {@code server/download.go}
 * (progress lines, "pulling &lt;digest[7:19]&gt;", cache hits) and {@code server/routes.go} streamResponse/waitForStream
 * (errors after the first line under HTTP 200; stream:false → one object, 500 on error).
 */
class OllamaPullTest {
    private Simulator sim;
    private int port;

    @BeforeEach
    void start() {
        sim = TestConfigs.fast("""
                [ollama.library."sim/five:5gb"]
                size = "5GB"
                family = "llama"
                parameter_size = "8.0B"

                [sparks.spark-1]
                disk_total = "100GB"
                disk_used = "10GB"
                """
                + SimToml.service("spark-1", "ollama-1", "ollama", "pull_speed = \"6GB\"\nmodels = [\"llama3.2:3b\"]"));
        port = sim.port("ollama-1");
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void fiveGigabytePullReportsMonotonicProgressAndSucceeds() throws Exception {
        Disk disk = sim.spark("spark-1").disk();
        long usedBefore = disk.used();
        Http.Streamed s = Http.stream(port, "/api/pull", "{\"model\":\"sim/five:5gb\"}");
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.contentType()).isEqualTo("application/x-ndjson");
        List<JsonNode> lines = s.json();
        assertThat(lines.get(0).get("status").asText()).isEqualTo("pulling manifest");
        JsonNode weights = lines.get(1);
        String digest = weights.get("digest").asText();
        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        assertThat(weights.get("status").asText()).isEqualTo("pulling " + digest.substring(7, 19));
        long previous = -1;
        int progressLines = 0;
        for (JsonNode l : lines) {
            if (digest.equals(l.path("digest").asText())) {
                long completed = l.path("completed").asLong(0);
                assertThat(completed).isGreaterThanOrEqualTo(previous);
                assertThat(l.get("total").asLong()).isGreaterThan(4_900_000_000L);
                previous = completed;
                progressLines++;
            }
        }
        assertThat(progressLines).as("several progress lines for a 5 GB blob").isGreaterThan(5);
        assertThat(previous).isEqualTo(lines.get(1).get("total").asLong());
        List<String> tail = lines.subList(lines.size() - 3, lines.size()).stream().map(l -> l.get("status").asText()).toList();
        assertThat(tail).containsExactly("verifying sha256 digest", "writing manifest", "success");
        // template, license and params blobs are shared with llama3.2:3b (same family), already on disk
        assertThat(disk.used() - usedBefore).isEqualTo(5_000_000_000L - 1_429 - 7_711 - 96);
        assertThat(OllamaApiContractTest.find(Http.json(Http.get(port, "/api/tags").body()).get("models"), "sim/five:5gb")).isNotNull();
    }

    @Test
    void failureAtFortyPercentArrivesAsErrorLineUnderHttp200() throws Exception {
        sim.control().setFault("ollama-1", Fault.of(FaultType.PULL_FAIL_AT, "percent", 40));
        Http.Streamed s = Http.stream(port, "/api/pull", "{\"model\":\"sim/five:5gb\"}");
        assertThat(s.status()).isEqualTo(200);
        List<JsonNode> lines = s.json();
        JsonNode last = lines.get(lines.size() - 1);
        assertThat(last.fieldNames()).toIterable().containsExactly("error");
        assertThat(last.get("error").asText()).startsWith("max retries exceeded");
        long maxCompleted = lines.stream().mapToLong(l -> l.path("completed").asLong(0)).max().orElse(0);
        assertThat(maxCompleted).isBetween(1_900_000_000L, 2_000_000_000L);
        assertThat(Http.get(port, "/api/tags").body()).doesNotContain("sim/five:5gb");
    }

    @Test
    void unknownModelGivesTheRegistryError() throws Exception {
        List<JsonNode> lines = Http.stream(port, "/api/pull", "{\"model\":\"does-not-exist:1b\"}").json();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("status").asText()).isEqualTo("pulling manifest");
        assertThat(lines.get(1).get("error").asText()).isEqualTo("pull model manifest: file does not exist");
        HttpResponse<String> whole = Http.post(port, "/api/pull", "{\"model\":\"does-not-exist:1b\",\"stream\":false}");
        assertThat(whole.statusCode()).isEqualTo(500);
        assertThat(Http.json(whole.body()).get("error").asText()).isEqualTo("pull model manifest: file does not exist");
    }

    @Test
    void streamFalseReturnsOneSuccessObject() throws Exception {
        HttpResponse<String> r = Http.post(port, "/api/pull", "{\"model\":\"llama3.2:1b\",\"stream\":false}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r.body()).toString()).isEqualTo("{\"status\":\"success\"}");
    }

    @Test
    void fullDiskRefusesWithOllamasWriteError() throws Exception {
        sim.control().setHostFault("spark-1", Fault.of(FaultType.DISK_FULL));
        List<JsonNode> lines = Http.stream(port, "/api/pull", "{\"model\":\"llama3.2:1b\"}").json();
        assertThat(lines.get(lines.size() - 1).get("error").asText()).endsWith("-partial: no space left on device");
        assertThat(sim.spark("spark-1").disk().free()).isZero();
        sim.control().clearHostFault("spark-1", FaultType.DISK_FULL);
        assertThat(sim.spark("spark-1").disk().free()).isPositive();
    }

    @Test
    void disconnectCancelsAndTheNextPullResumes() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(Http.uri(port, "/api/pull"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"sim/five:5gb\"}")).build(), HttpResponse.BodyHandlers.ofInputStream());
        String digest = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode j = Http.json(line);
                if (j.path("completed").asLong(0) > 500_000_000L) {
                    digest = j.get("digest").asText();
                    break;
                }
            }
        }
        assertThat(digest).isNotNull();
        Thread.sleep(300); // let the server notice the disconnect; a still-running pull would finish within ~1 s
        long partial = sim.spark("spark-1").disk().used();
        Thread.sleep(300);
        assertThat(sim.spark("spark-1").disk().used()).as("the cancelled pull stopped downloading").isEqualTo(partial);

        List<JsonNode> lines = Http.stream(port, "/api/pull", "{\"model\":\"sim/five:5gb\"}").json();
        String d = digest;
        JsonNode firstProgress = lines.stream().filter(l -> d.equals(l.path("digest").asText())).findFirst().orElseThrow();
        assertThat(firstProgress.path("completed").asLong()).as("resumed, not restarted").isGreaterThan(500_000_000L);
        assertThat(lines.get(lines.size() - 1).get("status").asText()).isEqualTo("success");
    }

    @Test
    void newerVersionOfATagIsPulledAsADiffAndPrunesOldLayers() throws Exception {
        String before = OllamaApiContractTest.find(Http.json(Http.get(port, "/api/tags").body()).get("models"), "llama3.2:3b")
                .get("digest").asText();
        HttpResponse<String> published = Http.post(sim.controlPort(), "/_sim/ollama/ollama-1/catalog", "{\"name\":\"llama3.2:3b\"}");
        assertThat(published.statusCode()).isEqualTo(200);
        String newDigest = Http.json(published.body()).get("digest").asText();
        assertThat(newDigest).isNotEqualTo(before);

        List<JsonNode> lines = Http.stream(port, "/api/pull", "{\"model\":\"llama3.2:3b\"}").json();
        assertThat(lines.get(lines.size() - 1).has("error")).as(lines.toString()).isFalse();
        List<String> statuses = new ArrayList<>();
        lines.forEach(l -> statuses.add(l.get("status").asText()));
        assertThat(statuses).contains("removing unused layers").endsWith("success");
        // the template blob did not change: one line, completed == total (a cache hit)
        long cacheHits = lines.stream().filter(l -> l.has("total") && l.path("completed").asLong() == l.get("total").asLong()
                && l.get("total").asLong() == 1429).count();
        assertThat(cacheHits).isEqualTo(1);
        String after = OllamaApiContractTest.find(Http.json(Http.get(port, "/api/tags").body()).get("models"), "llama3.2:3b")
                .get("digest").asText();
        assertThat(after).isEqualTo(newDigest);
    }
}
