package dev.sparkd.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkd.simulator.testing.SimToml;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated llama-server against ggml-org/llama.cpp {@code tools/server/README.md} (/health while loading and
 * ready, /slots, /v1/models) and {@code tools/server/server.cpp} handle_metrics (metric names, types, content type).
 */
class LlamaCppContractTest {
    private Simulator sim;
    private int port;

    @BeforeEach
    void start() {
        sim = TestConfigs.fast(SimToml.service("spark-2", "llamacpp-1", "llamacpp", """
                model = "/models/gemma-3-12b-it-Q4_K_M.gguf"
                parallel = 2
                load_delay = "300ms"
                ttft = "5ms"
                tokens_per_second = 500
                """));
        port = sim.port("llamacpp-1");
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    // README "GET /health": 503 {"error":{"code":503,"message":"Loading model","type":"unavailable_error"}} while loading
    @Test
    void healthIs503WhileLoadingThenOk() throws Exception {
        HttpResponse<String> loading = Http.get(port, "/health");
        assertThat(loading.statusCode()).isEqualTo(503);
        assertThat(Http.json(loading.body()).toString())
                .isEqualTo("{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}");
        HttpResponse<String> ok = Http.awaitStatus(port, "/health", 200, Duration.ofSeconds(5));
        assertThat(Http.json(ok.body()).toString()).isEqualTo("{\"status\":\"ok\"}");
    }

    // server.cpp handle_metrics: "# HELP llamacpp:<name>", "# TYPE", value; content type text/plain; version=0.0.4
    @Test
    void metricsSlotsAndChat() throws Exception {
        Http.awaitStatus(port, "/health", 200, Duration.ofSeconds(5));
        HttpResponse<String> chat = Http.post(port, "/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+2? Reply with just the number.\"}]}");
        assertThat(chat.statusCode()).isEqualTo(200);
        JsonNode c = Http.json(chat.body());
        assertThat(c.get("choices").get(0).get("message").get("content").asText()).isEqualTo("4");
        assertThat(c.get("object").asText()).isEqualTo("chat.completion");
        assertThat(c.has("timings")).isTrue();

        HttpResponse<String> metrics = Http.get(port, "/metrics");
        assertThat(metrics.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4");
        assertThat(metrics.body()).contains("# TYPE llamacpp:prompt_tokens_total counter")
                .contains("llamacpp:tokens_predicted_total 1\n")
                .contains("# TYPE llamacpp:requests_processing gauge\nllamacpp:requests_processing 0\n")
                .contains("llamacpp:requests_deferred 0");

        JsonNode slots = Http.json(Http.get(port, "/slots").body());
        assertThat(slots).hasSize(2);
        assertThat(slots.get(0).get("is_processing").asBoolean()).isFalse();
        assertThat(slots.get(0).get("n_ctx").asInt()).isEqualTo(8192);

        JsonNode models = Http.json(Http.get(port, "/v1/models").body());
        assertThat(models.get("data").get(0).get("owned_by").asText()).isEqualTo("llamacpp");
        assertThat(models.get("data").get(0).get("id").asText()).isEqualTo("/models/gemma-3-12b-it-Q4_K_M.gguf");
    }

    @Test
    void streamingChat() throws Exception {
        Http.awaitStatus(port, "/health", 200, Duration.ofSeconds(5));
        Http.Streamed s = Http.stream(port, "/v1/chat/completions",
                "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}");
        assertThat(s.contentType()).isEqualTo("text/event-stream");
        assertThat(s.lines().get(s.lines().size() - 1)).isEqualTo("data: [DONE]");
        assertThat(s.json().get(0).get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
    }
}
