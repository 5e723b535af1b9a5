package dev.sparkd.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkd.simulator.config.SimConfig;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import dev.sparkd.simulator.testing.SimToml;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated vLLM against vllm-project/vllm: {@code vllm/entrypoints/serve/instrumentator/health.py} (/health),
 * {@code vllm/entrypoints/openai/protocol.py} (ModelCard, ChatCompletionResponse, stream chunks, ErrorResponse),
 * {@code vllm/v1/metrics/loggers.py} (metric names and labels), {@code vllm/entrypoints/launcher.py} (engine dead).
 */
class VllmContractTest {
    private Simulator sim;

    private Simulator start(String extra) {
        return start("test/tiny-chat", extra);
    }

    private Simulator start(String model, String extra) {
        String service = SimToml.service("spark-1", "vllm-1", "vllm", """
                model = "%s"
                served_model_name = "tiny"
                """.formatted(model));
        sim = Simulator.start(SimConfig.parse(TestConfigs.FAST + service + extra));
        return sim;
    }

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    // health.py: the HTTP server starts after the engine, so the port refuses while loading; then 200 with an empty body
    @Test
    void portIsClosedWhileLoadingThenHealthIsEmpty200() throws Exception {
        start("");
        int port = sim.port("vllm-1");
        assertThat(sim.service("vllm-1").state()).isEqualTo("loading");
        assertThatThrownBy(() -> Http.get(port, "/health")).isInstanceOf(ConnectException.class);
        HttpResponse<String> health = Http.awaitStatus(port, "/health", 200, Duration.ofSeconds(5));
        assertThat(health.body()).isEmpty();
        assertThat(Http.get(port, "/ping").statusCode()).isEqualTo(200);
        assertThat(Http.json(Http.get(port, "/version").body()).get("version").asText()).isEqualTo("0.11.0");
    }

    // protocol.py ModelCard: id = served name, root = model, owned_by "vllm", max_model_len
    @Test
    void modelsListTheServedModel() throws Exception {
        int port = ready("");
        JsonNode card = Http.json(Http.get(port, "/v1/models").body()).get("data").get(0);
        assertThat(card.get("id").asText()).isEqualTo("tiny");
        assertThat(card.get("object").asText()).isEqualTo("model");
        assertThat(card.get("owned_by").asText()).isEqualTo("vllm");
        assertThat(card.get("root").asText()).isEqualTo("test/tiny-chat");
        assertThat(card.get("parent").isNull()).isTrue();
        assertThat(card.get("max_model_len").asInt()).isEqualTo(4096);
        assertThat(card.get("permission").get(0).get("object").asText()).isEqualTo("model_permission");
    }

    // protocol.py ChatCompletionResponse; vLLM's extra sampling fields (top_k, min_p, chat_template_kwargs) are accepted
    @Test
    void chatCompletionAcceptsVllmExtras() throws Exception {
        int port = ready("");
        HttpResponse<String> r = Http.post(port, "/v1/chat/completions", """
                {"model":"tiny","messages":[{"role":"user","content":"What is 2+2? Reply with just the number."}],
                 "top_k":20,"min_p":0.05,"chat_template_kwargs":{"enable_thinking":false},"max_tokens":8}""");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode j = Http.json(r.body());
        assertThat(j.get("id").asText()).startsWith("chatcmpl-");
        assertThat(j.get("object").asText()).isEqualTo("chat.completion");
        assertThat(j.get("model").asText()).isEqualTo("tiny");
        JsonNode choice = j.get("choices").get(0);
        assertThat(choice.get("message").get("content").asText()).isEqualTo("4");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.has("stop_reason")).isTrue();
        assertThat(j.get("usage").get("completion_tokens").asInt()).isEqualTo(1);
        assertThat(j.get("usage").get("total_tokens").asInt())
                .isEqualTo(j.get("usage").get("prompt_tokens").asInt() + 1);
    }

    // serving_chat.py stream: "data: {...}" chunks, the usage chunk has empty choices, then "data: [DONE]"
    @Test
    void streamingChatEndsWithUsageAndDone() throws Exception {
        int port = ready("");
        Http.Streamed s = Http.stream(port, "/v1/chat/completions", """
                {"model":"tiny","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"Tell me about the cluster"}],"max_tokens":5}""");
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.contentType()).startsWith("text/event-stream");
        assertThat(s.lines().get(s.lines().size() - 1)).isEqualTo("data: [DONE]");
        List<JsonNode> chunks = s.json();
        assertThat(chunks.get(0).get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage").get("completion_tokens").asInt()).isEqualTo(5);
        assertThat(chunks.get(chunks.size() - 2).get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
        StringBuilder text = new StringBuilder();
        chunks.subList(1, chunks.size() - 1).forEach(c -> text.append(c.get("choices").get(0).get("delta").get("content").asText()));
        assertThat(text.toString()).isNotBlank();
    }

    @Test
    void completionsEndpoint() throws Exception {
        int port = ready("");
        JsonNode j = Http.json(Http.post(port, "/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"What is 5-7?\"}").body());
        assertThat(j.get("object").asText()).isEqualTo("text_completion");
        assertThat(j.get("choices").get(0).get("text").asText()).isEqualTo("-2");
    }

    // serving_engine.py _check_model: 404 {"error":{"message":"The model `x` does not exist.","type":"NotFoundError","param":"model","code":404}}
    @Test
    void wrongModelIs404WithVllmErrorShape() throws Exception {
        int port = ready("");
        HttpResponse<String> r = Http.post(port, "/v1/chat/completions",
                "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(404);
        JsonNode e = Http.json(r.body()).get("error");
        assertThat(e.get("message").asText()).isEqualTo("The model `gpt-4` does not exist.");
        assertThat(e.get("type").asText()).isEqualTo("NotFoundError");
        assertThat(e.get("code").asInt()).isEqualTo(404);
    }

    // v1/metrics/loggers.py: names and labels; running/waiting follow --max-num-seqs
    @Test
    void metricsFollowTheLoadActuallyServed() throws Exception {
        start("test/slow-chat", """
                max_num_seqs = 1
                """);
        int port = sim.port("vllm-1");
        Http.awaitStatus(port, "/health", 200, Duration.ofSeconds(5));
        String before = Http.get(port, "/metrics").body();
        assertThat(before).contains("vllm:num_requests_running{model_name=\"tiny\",engine=\"0\"} 0.0")
                .contains("# TYPE vllm:prompt_tokens_total counter")
                .contains("vllm:kv_cache_usage_perc{").doesNotContain("gpu_cache_usage_perc")
                .contains("vllm:time_to_first_token_seconds_bucket{model_name=\"tiny\",engine=\"0\",le=\"0.001\"}")
                .contains("vllm:e2e_request_latency_seconds_count{");
        // three slow requests against one sequence slot: one runs, two wait
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return Http.post(port, "/v1/chat/completions",
                            "{\"model\":\"tiny\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"write a long story\"}]}");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        String during = awaitMetric(port, "vllm:num_requests_waiting{model_name=\"tiny\",engine=\"0\"} 2.0");
        assertThat(during).contains("vllm:num_requests_running{model_name=\"tiny\",engine=\"0\"} 1.0");
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            assertThat(c.get().statusCode()).isEqualTo(200);
        }
        String after = Http.get(port, "/metrics").body();
        assertThat(after).contains("vllm:request_success_total{model_name=\"tiny\",engine=\"0\",finished_reason=\"length\"} 3.0")
                .contains("vllm:generation_tokens_total{model_name=\"tiny\",engine=\"0\"} 60.0")
                .contains("vllm:num_requests_waiting{model_name=\"tiny\",engine=\"0\"} 0.0");
    }

    @Test
    void olderVersionExportsGpuCacheUsage() throws Exception {
        int port = ready("""
                version = "0.9.2"
                """);
        String metrics = Http.get(port, "/metrics").body();
        assertThat(metrics).contains("vllm:gpu_cache_usage_perc{").doesNotContain("vllm:kv_cache_usage_perc");
        HttpResponse<String> r = Http.post(port, "/v1/chat/completions", "{\"model\":\"x\",\"messages\":[]}");
        assertThat(Http.json(r.body()).get("object").asText()).as("flat error shape before 0.10").isEqualTo("error");
    }

    // health.py 503 on EngineDeadError; launcher.py answers inference with an empty 500
    @Test
    void deadEngine() throws Exception {
        int port = ready("");
        sim.control().setFault("vllm-1", Fault.of(FaultType.ENGINE_DEAD));
        assertThat(Http.get(port, "/health").statusCode()).isEqualTo(503);
        HttpResponse<String> r = Http.post(port, "/v1/chat/completions", "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(500);
        sim.control().clearFaults("vllm-1");
        assertThat(Http.get(port, "/health").statusCode()).isEqualTo(200);
    }

    private int ready(String extra) throws Exception {
        start(extra);
        int port = sim.port("vllm-1");
        Http.awaitStatus(port, "/health", 200, Duration.ofSeconds(5));
        return port;
    }

    private static String awaitMetric(int port, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = Http.get(port, "/metrics").body();
            if (body.contains(expected)) {
                return body;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("metrics never showed " + expected + "\n" + body);
    }
}
