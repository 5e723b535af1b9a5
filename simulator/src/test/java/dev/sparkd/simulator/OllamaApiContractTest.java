package dev.sparkd.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkd.simulator.testing.SimToml;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Contract of the simulated Ollama against ollama/ollama @ fb30760: {@code docs/api.md} examples, {@code api/types.go}
 * field names, {@code server/routes.go} status codes and content types, {@code openai/openai.go} and
 * {@code middleware/openai.go} for /v1.
 */
class OllamaApiContractTest {
    private static Simulator sim;
    private static int port;

    @BeforeAll
    static void start() {
        sim = TestConfigs.fast(SimToml.service("spark-1", "ollama-1", "ollama", """
                version = "0.12.6"
                models = ["llama3.2:3b", "nomic-embed-text"]
                """));
        port = sim.port("ollama-1");
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    // server/routes.go: r.GET("/") and r.HEAD("/") -> c.String(200, "Ollama is running")
    @Test
    void rootSaysRunning() throws Exception {
        HttpResponse<String> r = Http.get(port, "/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("Ollama is running");
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
        assertThat(Http.head(port, "/").statusCode()).isEqualTo(200);
    }

    // docs/api.md "Version": {"version": "0.5.1"}
    @Test
    void version() throws Exception {
        HttpResponse<String> r = Http.get(port, "/api/version");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r.body()).get("version").asText()).isEqualTo("0.12.6");
    }

    // api/types.go ListModelResponse + ModelDetails; docs/api.md "List Local Models"
    @Test
    void tagsListsNormalisedNamesWithDetails() throws Exception {
        JsonNode models = Http.json(Http.get(port, "/api/tags").body()).get("models");
        JsonNode embed = find(models, "nomic-embed-text:latest");
        assertThat(embed).as("a name without tag is listed as :latest").isNotNull();
        JsonNode m = find(models, "llama3.2:3b");
        assertThat(m.get("model").asText()).isEqualTo("llama3.2:3b");
        assertThat(m.get("modified_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        assertThat(m.get("size").asLong()).isEqualTo(2_019_393_189L);
        assertThat(m.get("digest").asText()).matches("[0-9a-f]{64}");
        JsonNode d = m.get("details");
        assertThat(d.get("parent_model").asText()).isEmpty();
        assertThat(d.get("format").asText()).isEqualTo("gguf");
        assertThat(d.get("family").asText()).isEqualTo("llama");
        assertThat(d.get("families").get(0).asText()).isEqualTo("llama");
        assertThat(d.get("parameter_size").asText()).isEqualTo("3.2B");
        assertThat(d.get("quantization_level").asText()).isEqualTo("Q4_K_M");
    }

    // routes.go DeleteHandler: 404 {"error":"model 'x' not found"}
    @Test
    void deleteOfMissingModelIs404() throws Exception {
        HttpResponse<String> r = Http.delete(port, "/api/delete", "{\"model\":\"nope:1b\"}");
        assertModelNotFound(r, "nope:1b");
    }

    // routes.go CopyHandler, ShowHandler; docs/api.md "Copy a Model", "Show Model Information"
    @Test
    void copyThenShowThenDelete() throws Exception {
        assertThat(Http.post(port, "/api/copy", "{\"source\":\"llama3.2:3b\",\"destination\":\"llama3.2-backup\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> show = Http.post(port, "/api/show", "{\"model\":\"llama3.2-backup\"}");
        assertThat(show.statusCode()).isEqualTo(200);
        JsonNode s = Http.json(show.body());
        assertThat(s.get("details").get("family").asText()).isEqualTo("llama");
        assertThat(s.get("model_info").get("llama.context_length").asInt()).isEqualTo(131072);
        assertThat(s.get("capabilities").get(0).asText()).isEqualTo("completion");
        assertThat(s.has("digest")).as("ShowResponse has no digest").isFalse();
        assertThat(Http.post(port, "/api/copy", "{\"source\":\"missing\",\"destination\":\"x\"}").statusCode()).isEqualTo(404);
        assertThat(Http.delete(port, "/api/delete", "{\"model\":\"llama3.2-backup\"}").statusCode()).isEqualTo(200);
        assertThat(Http.post(port, "/api/show", "{\"model\":\"llama3.2-backup\"}").statusCode()).isEqualTo(404);
    }

    // routes.go GenerateHandler streams application/x-ndjson; final line carries done_reason and the Metrics fields
    @Test
    void generateStreamsNdjsonAndAnswersArithmetic() throws Exception {
        Http.Streamed s = Http.stream(port, "/api/generate",
                "{\"model\":\"llama3.2:3b\",\"prompt\":\"What is 2+2? Reply with just the number.\"}");
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.contentType()).isEqualTo("application/x-ndjson");
        List<JsonNode> lines = s.json();
        assertThat(lines.get(0).get("response").asText()).isEqualTo("4");
        assertThat(lines.get(0).get("done").asBoolean()).isFalse();
        JsonNode last = lines.get(lines.size() - 1);
        assertThat(last.get("done").asBoolean()).isTrue();
        assertThat(last.get("done_reason").asText()).isEqualTo("stop");
        for (String f : List.of("model", "created_at", "total_duration", "prompt_eval_count", "prompt_eval_duration", "eval_count", "eval_duration")) {
            assertThat(last.has(f)).as(f).isTrue();
        }
        assertThat(last.get("eval_count").asInt()).isEqualTo(1);
    }

    // routes.go: stream false -> one JSON object, "application/json; charset=utf-8"
    @Test
    void chatWithoutStreaming() throws Exception {
        HttpResponse<String> r = Http.post(port, "/api/chat", """
                {"model":"llama3.2:3b","stream":false,"messages":[{"role":"user","content":"What is 3*4?"}]}""");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        JsonNode j = Http.json(r.body());
        assertThat(j.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(j.get("message").get("content").asText()).isEqualTo("12");
        assertThat(j.get("done").asBoolean()).isTrue();
    }

    // routes.go: unknown model -> 404 "model 'x' not found"
    @Test
    void generateWithUnknownModelIs404() throws Exception {
        HttpResponse<String> r = Http.post(port, "/api/generate", "{\"model\":\"ghost:7b\",\"prompt\":\"hi\"}");
        assertModelNotFound(r, "ghost:7b");
    }

    // docs/api.md "Load a model" (empty prompt -> done_reason load) and "Unload a model" (keep_alive 0 -> unload)
    @Test
    void keepAliveLoadsAndUnloads() throws Exception {
        JsonNode load = Http.json(Http.post(port, "/api/generate", "{\"model\":\"llama3.2:3b\",\"keep_alive\":\"10m\"}").body());
        assertThat(load.get("done_reason").asText()).isEqualTo("load");
        JsonNode ps = Http.json(Http.get(port, "/api/ps").body()).get("models");
        JsonNode m = find(ps, "llama3.2:3b");
        assertThat(m).isNotNull();
        for (String f : List.of("name", "model", "size", "digest", "details", "expires_at", "size_vram", "context_length")) {
            assertThat(m.has(f)).as(f).isTrue();
        }
        JsonNode unload = Http.json(Http.post(port, "/api/generate", "{\"model\":\"llama3.2:3b\",\"keep_alive\":0}").body());
        assertThat(unload.get("done_reason").asText()).isEqualTo("unload");
        assertThat(find(Http.json(Http.get(port, "/api/ps").body()).get("models"), "llama3.2:3b")).isNull();
    }

    // openai/openai.go ToListCompletion: id, object "model", created, owned_by "library"
    @Test
    void openAiModels() throws Exception {
        JsonNode j = Http.json(Http.get(port, "/v1/models").body());
        assertThat(j.get("object").asText()).isEqualTo("list");
        JsonNode first = j.get("data").get(0);
        assertThat(first.get("object").asText()).isEqualTo("model");
        assertThat(first.get("owned_by").asText()).isEqualTo("library");
        assertThat(first.has("created")).isTrue();
    }

    // middleware/openai.go ChatWriter: SSE, role on the first chunk, finish chunk, usage chunk with empty choices, [DONE]
    @Test
    void openAiChatStreamWithUsage() throws Exception {
        Http.Streamed s = Http.stream(port, "/v1/chat/completions", """
                {"model":"llama3.2:3b","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"What is 2+2? Reply with just the number."}]}""");
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.contentType()).isEqualTo("text/event-stream");
        assertThat(s.lines()).allMatch(l -> l.startsWith("data: "));
        assertThat(s.lines().get(s.lines().size() - 1)).isEqualTo("data: [DONE]");
        List<JsonNode> chunks = s.json();
        assertThat(chunks.get(0).get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(chunks.get(0).get("system_fingerprint").asText()).isEqualTo("fp_ollama");
        assertThat(chunks.get(0).get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
        assertThat(chunks.get(0).get("choices").get(0).get("delta").get("content").asText()).isEqualTo("4");
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage").get("completion_tokens").asInt()).isEqualTo(1);
        assertThat(chunks.get(chunks.size() - 2).get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
    }

    // openai/openai.go NewError: {"error":{"message","type":"not_found_error","param":null,"code":null}}
    @Test
    void openAiErrorShape() throws Exception {
        HttpResponse<String> r = Http.post(port, "/v1/chat/completions",
                "{\"model\":\"ghost\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(404);
        JsonNode e = Http.json(r.body()).get("error");
        assertThat(e.get("type").asText()).isEqualTo("not_found_error");
        assertThat(e.get("message").asText()).isEqualTo("model 'ghost' not found");
        assertThat(e.get("param").isNull()).isTrue();
        assertThat(e.get("code").isNull()).isTrue();
    }

    // openai/openai.go EmbeddingList; api/types.go EmbedResponse
    @Test
    void embeddings() throws Exception {
        JsonNode oa = Http.json(Http.post(port, "/v1/embeddings", "{\"model\":\"nomic-embed-text\",\"input\":[\"a\",\"b\"]}").body());
        assertThat(oa.get("object").asText()).isEqualTo("list");
        assertThat(oa.get("data")).hasSize(2);
        assertThat(oa.get("data").get(1).get("index").asInt()).isEqualTo(1);
        assertThat(oa.get("data").get(0).get("embedding")).hasSize(768);
        JsonNode native_ = Http.json(Http.post(port, "/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":\"a\"}").body());
        assertThat(native_.get("embeddings").get(0)).hasSize(768);
        HttpResponse<String> gen = Http.post(port, "/api/generate", "{\"model\":\"nomic-embed-text\",\"prompt\":\"hi\"}");
        assertThat(gen.statusCode()).isEqualTo(400);
        assertThat(Http.json(gen.body()).get("error").asText()).isEqualTo("\"nomic-embed-text\" does not support generate");
    }

    static JsonNode find(JsonNode models, String name) {
        for (JsonNode m : models) {
            if (m.get("name").asText().equals(name)) {
                return m;
            }
        }
        return null;
    }

    /** routes.go: a model Ollama does not have is 404 {@code {"error":"model 'x' not found"}}. */
    private static void assertModelNotFound(HttpResponse<String> r, String model) throws Exception {
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Http.json(r.body()).get("error").asText()).isEqualTo("model '" + model + "' not found");
    }
}
