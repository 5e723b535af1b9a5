package dev.sparkd.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkd.simulator.testing.SimToml;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Faults injected through the HTTP control API ({@code /_sim}), observed as a client of the simulated servers sees them. */
class FaultInjectionTest {
    private static Simulator sim;
    private static int ollama;
    private static int control;

    @BeforeAll
    static void start() {
        sim = TestConfigs.fast(SimToml.service("spark-1", "ollama-1", "ollama", "models = [\"llama3.2:3b\"]"));
        ollama = sim.port("ollama-1");
        control = sim.controlPort();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @AfterEach
    void clear() throws Exception {
        assertThat(Http.delete(control, "/_sim/services/ollama-1/faults", null).statusCode()).isEqualTo(200);
        Http.awaitStatus(ollama, "/", 200, Duration.ofSeconds(2));
    }

    @Test
    void downRefusesConnectionsAndBackUpAnswers() throws Exception {
        assertThat(Http.put(control, "/_sim/services/ollama-1/fault", "{\"type\":\"down\"}").statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> Http.get(ollama, "/")).isInstanceOf(ConnectException.class);
        JsonNode state = Http.json(Http.get(control, "/_sim/state").body());
        JsonNode svc = state.get("sparks").get(0).get("services").get(0);
        assertThat(svc.get("state").asText()).isEqualTo("down");
        assertThat(svc.get("faults").get(0).get("type").asText()).isEqualTo("down");
        assertThat(Http.delete(control, "/_sim/services/ollama-1/fault?type=down", null).statusCode()).isEqualTo(200);
        assertThat(Http.awaitStatus(ollama, "/", 200, Duration.ofSeconds(2)).body()).isEqualTo("Ollama is running");
    }

    @Test
    void hangAcceptsButNeverAnswers() throws Exception {
        Http.put(control, "/_sim/services/ollama-1/fault", "{\"type\":\"hang\"}");
        HttpClient client = HttpClient.newHttpClient();
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(Http.uri(ollama, "/api/tags")).timeout(Duration.ofMillis(300)).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void slowAddsLatency() throws Exception {
        Http.put(control, "/_sim/services/ollama-1/fault", "{\"type\":\"slow\",\"delay_ms\":300}");
        long t0 = System.nanoTime();
        assertThat(Http.get(ollama, "/api/version").statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(300);
    }

    @Test
    void http5xxUsesTheServersErrorShape() throws Exception {
        Http.put(control, "/_sim/services/ollama-1/fault", "{\"type\":\"http_5xx\",\"status\":503,\"message\":\"busy\"}");
        HttpResponse<String> r = Http.get(ollama, "/api/tags");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(Http.json(r.body()).get("error").asText()).isEqualTo("busy");
    }

    @Test
    void garbageIs200WithABodyThatIsNotJson() throws Exception {
        Http.put(control, "/_sim/services/ollama-1/fault", "{\"type\":\"garbage\"}");
        HttpResponse<String> r = Http.get(ollama, "/api/tags");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> Http.JSON.readTree(r.body())).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void dropMidStreamCutsTheConnectionAfterNChunks() throws Exception {
        Http.put(control, "/_sim/services/ollama-1/fault", "{\"type\":\"drop_mid_stream\",\"after_chunks\":3}");
        // a raw socket shows exactly what arrived: three NDJSON chunks, then EOF without the terminating 0-length chunk
        String body = "{\"model\":\"llama3.2:3b\",\"prompt\":\"tell me a story\"}";
        String raw;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", ollama)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("POST /api/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            raw = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(raw).startsWith("HTTP/1.1 200").contains("transfer-encoding: chunked");
        assertThat(raw.split("\"done\":false", -1)).hasSize(4);
        assertThat(raw).doesNotContain("\"done\":true").doesNotEndWith("0\r\n\r\n");
    }

    @Test
    void loadingClosesTheOllamaPortForAWhile() throws Exception {
        Http.put(control, "/_sim/services/ollama-1/fault", "{\"type\":\"loading\",\"seconds\":0.3}");
        assertThatThrownBy(() -> Http.get(ollama, "/")).isInstanceOf(ConnectException.class);
        Http.awaitStatus(ollama, "/", 200, Duration.ofSeconds(3));
    }

    @Test
    void badFaultsAreRejectedAndTheRequestLogRecordsTraffic() throws Exception {
        assertThat(Http.put(control, "/_sim/services/ollama-1/fault", "{\"type\":\"meteor\"}").statusCode()).isEqualTo(400);
        assertThat(Http.put(control, "/_sim/services/ollama-1/fault", "{\"type\":\"disk_full\"}").statusCode()).isEqualTo(400);
        assertThat(Http.put(control, "/_sim/services/nope/fault", "{\"type\":\"down\"}").statusCode()).isEqualTo(404);
        assertThat(Http.put(control, "/_sim/hosts/spark-1/fault", "{\"type\":\"gpu_hot\",\"celsius\":97}").statusCode()).isEqualTo(200);
        assertThat(sim.spark("spark-1").gpuHot()).hasValueSatisfying(f -> assertThat(f.intParam("celsius", 0)).isEqualTo(97));
        assertThat(Http.delete(control, "/_sim/hosts/spark-1/faults", null).statusCode()).isEqualTo(200);
        assertThat(sim.spark("spark-1").gpuHot()).isEmpty();

        Http.get(ollama, "/api/ps");
        JsonNode log = Http.json(Http.get(control, "/_sim/requests?service=ollama-1").body()).get("requests");
        JsonNode last = log.get(log.size() - 1);
        assertThat(last.get("method").asText()).isEqualTo("GET");
        assertThat(last.get("path").asText()).isEqualTo("/api/ps");
        assertThat(last.get("status").asInt()).isEqualTo(200);
        assertThat(last.has("time")).isTrue();
    }
}
