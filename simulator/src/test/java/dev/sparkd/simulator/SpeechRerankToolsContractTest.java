package dev.sparkd.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkd.simulator.config.SimConfig;
import dev.sparkd.simulator.testing.SimToml;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated servers' tool calls, rerank, score, tokenize and transcription endpoints against vllm-project/vllm
 * ({@code vllm/entrypoints/openai/protocol.py}: ChatCompletionResponse tool_calls, RerankResponse, ScoreResponse,
 * TokenizeResponse) and ggml-org/llama.cpp {@code tools/server/README.md} (POST /reranking, --reranking).
 */
class SpeechRerankToolsContractTest {
    static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}]";
    private Simulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private int vllm(String model) throws Exception {
        String declare = TestConfigs.FAST.contains("[vllm.models.\"" + model + "\"]") ? "" : """
                [vllm.models."%s"]
                load_delay = "0ms"
                """.formatted(model);
        String service = SimToml.service("spark-1", "vllm-1", "vllm", "model = \"" + model + "\"");
        sim = Simulator.start(SimConfig.parse(TestConfigs.FAST + declare + service));
        int port = sim.port("vllm-1");
        Http.awaitStatus(port, "/health", 200, Duration.ofSeconds(5));
        return port;
    }

    @Test
    void vllmCallsANamedToolWholeAndStreamedAndAnswersItsResult() throws Exception {
        int port = vllm("test/tiny-chat");
        JsonNode whole = Http.json(Http.post(port, "/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Use get_weather for Paris\"}]," + TOOLS + "}").body());
        JsonNode choice = whole.get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.get("message").get("content").isNull()).isTrue();
        JsonNode call = choice.get("message").get("tool_calls").get(0);
        assertThat(call.get("id").asText()).startsWith("chatcmpl-tool-");
        assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
        assertThat(Http.json(call.get("function").get("arguments").asText()).has("city")).isTrue();

        String stream = Http.post(port, "/v1/chat/completions", "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Use get_weather for Paris\"}]," + TOOLS + "}").body();
        List<JsonNode> chunks = new ArrayList<>();
        for (String line : stream.split("\n")) {
            if (line.startsWith("data: {")) {
                chunks.add(Http.json(line.substring(6)));
            }
        }
        StringBuilder args = new StringBuilder();
        chunks.forEach(c -> c.get("choices").get(0).path("delta").path("tool_calls").forEach(t -> args.append(t.path("function").path("arguments").asText(""))));
        assertThat(Http.json(args.toString())).isEqualTo(Http.json(call.get("function").get("arguments").asText()));
        assertThat(chunks.get(chunks.size() - 1).get("choices").get(0).get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(stream).endsWith("data: [DONE]\n\n");

        // with the tool's result as the last message the model answers in text
        JsonNode after = Http.json(Http.post(port, "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Use get_weather for Paris\"},{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + call + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + call.get("id").asText() + "\",\"content\":\"18 C\"}]," + TOOLS + "}").body());
        assertThat(after.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
        assertThat(after.get("choices").get(0).get("message").get("content").asText()).isNotBlank();

        JsonNode tokens = Http.json(Http.post(port, "/tokenize", "{\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}").body());
        assertThat(tokens.get("count").asInt()).isEqualTo(tokens.get("tokens").size()).isGreaterThan(2);
        assertThat(Http.post(port, "/v1/rerank", "{\"query\":\"q\",\"documents\":[\"d\"]}").statusCode())
                .as("a generative model has no rerank route").isEqualTo(404);
    }

    @Test
    void vllmRerankerRanksAndScores() throws Exception {
        int port = vllm("BAAI/bge-reranker-v2-m3");
        HttpResponse<String> r = Http.post(port, "/v1/rerank", "{\"model\":\"BAAI/bge-reranker-v2-m3\",\"query\":\"unified memory\","
                + "\"documents\":[\"a cat\",\"unified memory on a spark\",\"memory\"],\"top_n\":2}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode rerank = Http.json(r.body());
        assertThat(rerank.get("id").asText()).startsWith("rerank-");
        assertThat(rerank.get("results")).hasSize(2);
        assertThat(rerank.get("results").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(rerank.get("results").get(0).get("document").get("text").asText()).isEqualTo("unified memory on a spark");
        assertThat(rerank.get("usage").get("total_tokens").asInt()).isPositive();

        JsonNode score = Http.json(Http.post(port, "/score", "{\"text_1\":\"unified memory\",\"text_2\":[\"a cat\",\"unified memory\"]}").body());
        assertThat(score.get("object").asText()).isEqualTo("list");
        assertThat(score.get("data").get(1).get("score").asDouble()).isGreaterThan(score.get("data").get(0).get("score").asDouble());
        assertThat(Http.post(port, "/v1/rerank", "{\"model\":\"other\",\"query\":\"q\",\"documents\":[\"d\"]}").statusCode()).isEqualTo(404);
    }

    @Test
    void llamaCppReranksOnlyWithReranking() throws Exception {
        sim = TestConfigs.fast(SimToml.service("spark-2", "plain", "llamacpp", "load_delay = \"0ms\"")
                + SimToml.service("spark-2", "ranker", "llamacpp", """
                        load_delay = "0ms"
                        model = "/models/bge-reranker-v2-m3-Q8_0.gguf"
                        reranking = true
                        """));
        int plain = sim.port("plain");
        int ranker = sim.port("ranker");
        Http.awaitStatus(ranker, "/health", 200, Duration.ofSeconds(5));
        Http.awaitStatus(plain, "/health", 200, Duration.ofSeconds(5));
        HttpResponse<String> refused = Http.post(plain, "/v1/rerank", "{\"query\":\"q\",\"documents\":[\"d\"]}");
        assertThat(refused.statusCode()).isEqualTo(501);
        assertThat(Http.json(refused.body()).get("error").get("type").asText()).isEqualTo("not_supported_error");

        JsonNode r = Http.json(Http.post(ranker, "/reranking", "{\"query\":\"unified memory\",\"documents\":[\"a cat\",\"unified memory\"],"
                + "\"top_n\":1}").body());
        assertThat(r.get("object").asText()).isEqualTo("list");
        assertThat(r.get("results")).hasSize(1);
        assertThat(r.get("results").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(r.get("results").get(0).has("document")).as("text only with return_text").isFalse();
        assertThat(r.get("usage").get("prompt_tokens").asInt()).isEqualTo(r.get("usage").get("total_tokens").asInt()).isPositive();
    }
}
