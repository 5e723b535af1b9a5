package dev.sparkd.core.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkd.core.http.HttpTimeouts;
import dev.sparkd.core.http.JsonCodec;
import dev.sparkd.core.http.ScriptedServerTest;
import dev.sparkd.core.http.TestHttpServer;
import dev.sparkd.core.http.UpstreamException;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OllamaClientTest extends ScriptedServerTest {

    private OllamaClient client;

    private OllamaClient client() {
        return client(OllamaSettings.defaults());
    }

    private OllamaClient client(OllamaSettings settings) {
        client = closedAfterTest(new OllamaClient(vertx, server.uri(), settings));
        return client;
    }

    private static JsonNode json(String text) throws Exception {
        return JsonCodec.mapper().readTree(text);
    }

    @Test
    void pingReadsTheLivenessText() {
        // server/routes.go: r.GET("/", ... "Ollama is running")
        server.on("GET", "/", (req, resp) -> resp.end("Ollama is running"));

        assertThat(client().ping().await().atMost(WAIT)).isEqualTo("Ollama is running");
    }

    @Test
    void versionReadsTheVersionField() {
        // server/routes.go: GET /api/version -> {"version": version.Version}
        server.on("GET", "/api/version", (req, resp) -> resp.end("{\"version\":\"0.12.6\"}"));

        assertThat(client().version().await().atMost(WAIT)).isEqualTo("0.12.6");
    }

    @Test
    void tagsKeepsTheWireFieldsAndIgnoresUnknownOnes() {
        // docs/api.md "List Local Models", plus fields api/types.go ListModelResponse added later and
        // one invented field that must be ignored.
        server.on("GET", "/api/tags", (req, resp) -> resp.end("""
                {"models":[{"name":"llama3.2:latest","model":"llama3.2:latest",
                  "modified_at":"2025-05-04T17:37:44.706015396-07:00","size":2019393189,
                  "digest":"a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
                  "details":{"parent_model":"","format":"gguf","family":"llama","families":["llama"],
                    "parameter_size":"3.2B","quantization_level":"Q4_K_M","brand_new_detail":1},
                  "capabilities":["completion","tools"],"some_future_field":{"x":1}},
                 {"name":"codellama:13b","modified_at":"2023-11-04T14:56:49.277302595-07:00","size":7365960935,
                  "digest":"9f438cb9cd581fc025612d27f7c1a6669ff83a8bb0ed86c94fcf4c5440555697",
                  "details":{"format":"gguf","family":"llama","families":null,"parameter_size":"13B","quantization_level":"Q4_0"}}]}
                """));

        List<LocalModel> models = client().tags().await().atMost(WAIT);

        assertThat(models).hasSize(2);
        LocalModel first = models.get(0);
        assertThat(first.name()).isEqualTo("llama3.2:latest");
        assertThat(first.size()).isEqualTo(2019393189L);
        assertThat(first.digest()).startsWith("a80c4f17");
        assertThat(first.modifiedAt()).isEqualTo(OffsetDateTime.parse("2025-05-04T17:37:44.706015396-07:00"));
        assertThat(first.details().parameterSize()).isEqualTo("3.2B");
        assertThat(first.details().quantizationLevel()).isEqualTo("Q4_K_M");
        assertThat(first.capabilities()).containsExactly("completion", "tools");
        assertThat(models.get(1).details().families()).isNull();
        assertThat(models.get(1).model()).isNull();
    }

    @Test
    void psReadsVramAndExpiry() {
        // docs/api.md "List Running Models" + context_length from api/types.go ProcessModelResponse.
        server.on("GET", "/api/ps", (req, resp) -> resp.end("""
                {"models":[{"name":"mistral:latest","model":"mistral:latest","size":5137025024,
                  "digest":"2ae6f6dd7a3dd734790bbbf58b8909a606e0e7e97e94b7604e0aa7ae4490e6d8",
                  "details":{"parent_model":"","format":"gguf","family":"llama","families":["llama"],
                    "parameter_size":"7.2B","quantization_level":"Q4_0"},
                  "expires_at":"2024-06-04T14:38:31.83753-07:00","size_vram":4000000000,"context_length":4096}]}
                """));

        RunningModel m = client().ps().await().atMost(WAIT).get(0);

        assertThat(m.sizeVram()).isEqualTo(4_000_000_000L);
        assertThat(m.partlyOnCpu()).isTrue();
        assertThat(m.expiresAt()).isEqualTo(OffsetDateTime.parse("2024-06-04T14:38:31.83753-07:00"));
        assertThat(m.contextLength()).isEqualTo(4096);
    }

    @Test
    void emptyPsIsAnEmptyList() {
        server.on("GET", "/api/ps", (req, resp) -> resp.end("{\"models\":[]}"));

        assertThat(client().ps().await().atMost(WAIT)).isEmpty();
    }

    @Test
    void showPostsTheModelAndReadsCapabilities() throws Exception {
        // docs/api.md "Show Model Information" (abridged) + capabilities from api/types.go ShowResponse.
        server.on("POST", "/api/show", (req, resp) -> resp.end("""
                {"modelfile":"# Modelfile generated by \\"ollama show\\"","parameters":"num_keep 24",
                 "template":"{{ .Prompt }}","details":{"parent_model":"","format":"gguf","family":"llama",
                 "families":["llama"],"parameter_size":"8.0B","quantization_level":"Q4_0"},
                 "model_info":{"general.architecture":"llama","llama.context_length":8192},
                 "capabilities":["completion","embedding"],"modified_at":"2025-01-01T10:00:00Z"}
                """));

        ModelInfo info = client().show("llama3.2").await().atMost(WAIT);

        assertThat(json(server.lastRequest().body())).isEqualTo(json("{\"model\":\"llama3.2\"}"));
        assertThat(info.has("embedding")).isTrue();
        assertThat(info.has("vision")).isFalse();
        assertThat(info.modelInfo().path("llama.context_length").asInt()).isEqualTo(8192);
        assertThat(info.details().parameterSize()).isEqualTo("8.0B");
    }

    @Test
    void copySendsSourceAndDestination() throws Exception {
        server.on("POST", "/api/copy", (req, resp) -> resp.end());

        client().copy("llama3.2", "llama3.2:rollback").await().atMost(WAIT);

        assertThat(json(server.lastRequest().body()))
                .isEqualTo(json("{\"source\":\"llama3.2\",\"destination\":\"llama3.2:rollback\"}"));
    }

    @Test
    void deleteOfAMissingModelIsATypedNotFound() throws Exception {
        // server/routes.go DeleteHandler: 404 {"error": "model 'x' not found"}
        server.on("DELETE", "/api/delete", (req, resp) ->
                resp.setStatusCode(404).end("{\"error\":\"model 'nope:latest' not found\"}"));

        assertThatThrownBy(() -> client().delete("nope").await().atMost(WAIT))
                .isInstanceOfSatisfying(OllamaModelNotFoundException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.modelName()).isEqualTo("nope");
                    assertThat(e.upstreamMessage()).isEqualTo("model 'nope:latest' not found");
                    assertThat(e.getMessage()).contains("DELETE /api/delete").contains("not found");
                });
        assertThat(server.lastRequest().method()).isEqualTo("DELETE");
        assertThat(json(server.lastRequest().body())).isEqualTo(json("{\"model\":\"nope\"}"));
    }

    @Test
    void deleteSucceedsOn200() {
        server.on("DELETE", "/api/delete", (req, resp) -> resp.end());

        client().delete("llama3:13b").await().atMost(WAIT);

        assertThat(server.requests()).hasSize(1);
    }

    // docs/api.md "Pull a Model" stream, with the status strings server/images.go really writes.
    private static final String PULL_STREAM = """
            {"status":"pulling manifest"}
            {"status":"pulling dde5aa3fc5ff","digest":"sha256:dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff","total":2019377376}
            {"status":"pulling dde5aa3fc5ff","digest":"sha256:dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff","total":2019377376,"completed":241970}
            {"status":"pulling dde5aa3fc5ff","digest":"sha256:dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff","total":2019377376,"completed":2019377376}
            {"status":"verifying sha256 digest"}
            {"status":"writing manifest"}
            {"status":"removing unused layers"}
            {"status":"success"}
            """;

    @Test
    void pullParsesNdjsonSplitAtAwkwardBoundaries() throws Exception {
        server.on("POST", "/api/pull", (req, resp) -> {
            resp.putHeader("Content-Type", "application/x-ndjson");
            // 7-byte TCP writes: every line is cut, some several times.
            server.writeBytesSlowly(resp, TestHttpServer.splitBytes(PULL_STREAM, 7), 1, true);
        });

        List<PullProgress> progress = client().pull("llama3.2").collect().asList().await().atMost(WAIT);

        assertThat(progress).extracting(PullProgress::status).containsExactly(
                "pulling manifest", "pulling dde5aa3fc5ff", "pulling dde5aa3fc5ff", "pulling dde5aa3fc5ff",
                "verifying sha256 digest", "writing manifest", "removing unused layers", "success");
        assertThat(progress.get(1).completed()).isNull();
        assertThat(progress.get(1).fraction()).hasValue(0.0);
        assertThat(progress.get(2).completed()).isEqualTo(241970L);
        assertThat(progress.get(3).fraction()).hasValue(1.0);
        assertThat(progress.get(3).digest()).startsWith("sha256:dde5");
        assertThat(progress.get(0).fraction()).isEmpty();
        assertThat(progress.get(7).success()).isTrue();
        assertThat(json(server.lastRequest().body())).isEqualTo(json("{\"model\":\"llama3.2\",\"stream\":true}"));
    }

    @Test
    void connectionIsReusedAfterACompleteStream() throws InterruptedException {
        server.on("POST", "/api/pull", (req, resp) -> resp.end("{\"status\":\"success\"}\n"));
        server.on("GET", "/api/version", (req, resp) -> resp.end("{\"version\":\"0.12.6\"}"));
        OllamaClient c = client();

        c.pull("llama3.2").collect().asList().await().atMost(WAIT);
        // The connection goes back to the pool just after the response ends; give it that moment.
        Thread.sleep(100);
        c.version().await().atMost(WAIT);

        assertThat(server.requests().get(1).remotePort()).isEqualTo(server.requests().get(0).remotePort());
    }

    @Test
    void pullErrorLineUnderHttp200FailsWithTheUpstreamText() {
        // Once "pulling manifest" is written the status is 200; later errors arrive as a line
        // (server/routes.go streamResponse writes {"error": …} when the writer was already used).
        server.on("POST", "/api/pull", (req, resp) -> server.writeSlowly(resp, List.of(
                "{\"status\":\"pulling manifest\"}\n",
                "{\"error\":\"pull model manifest: file does not exist\"}\n"), 5, true));

        AssertSubscriber<PullProgress> sub = client().pull("no-such-model")
                .subscribe().withSubscriber(AssertSubscriber.create(10));

        OllamaException e = failure(sub, OllamaException.class, UpstreamException.Kind.STREAM_ERROR);
        assertThat(sub.getItems()).extracting(PullProgress::status).containsExactly("pulling manifest");
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.upstreamMessage()).isEqualTo("pull model manifest: file does not exist");
        assertThat(e.getMessage()).contains("pull model manifest: file does not exist");
    }

    @Test
    void pullFailsWhenSilentLongerThanTheIdleLimitAndClosesTheConnection() throws Exception {
        server.on("POST", "/api/pull", (req, resp) ->
                server.writeSlowly(resp, List.of("{\"status\":\"verifying sha256 digest\"}\n"), 1, false));

        AssertSubscriber<PullProgress> sub = client(OllamaSettings.defaults().withPullIdle(Duration.ofMillis(300)))
                .pull("llama3.2").subscribe().withSubscriber(AssertSubscriber.create(10));

        failure(sub, UpstreamException.class, UpstreamException.Kind.TIMEOUT);
        assertThat(sub.getItems()).hasSize(1);
        server.responseAborted().get(5, TimeUnit.SECONDS);
    }

    @Test
    void cancellingAPullClosesTheRequest() throws Exception {
        server.on("POST", "/api/pull", (req, resp) ->
                server.writeSlowly(resp, List.of("{\"status\":\"pulling manifest\"}\n",
                        "{\"status\":\"pulling a\",\"total\":10,\"completed\":1}\n"), 5, false));

        AssertSubscriber<PullProgress> sub = client().pull("llama3.2").subscribe().withSubscriber(AssertSubscriber.create(10));
        sub.awaitItems(2, WAIT);
        assertThat(server.responseAborted()).isNotDone();

        sub.cancel();

        server.responseAborted().get(5, TimeUnit.SECONDS);
    }

    @Test
    void generateNonStreamingSendsKeepAliveAndOptionsAndReadsTimings() throws Exception {
        // docs/api.md "Generate request (No streaming)" response.
        server.on("POST", "/api/generate", (req, resp) -> resp.end("""
                {"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z",
                 "response":"The sky is blue because it is the color of the sky.","done":true,
                 "context":[1,2,3],"total_duration":5043500667,"load_duration":5025959,
                 "prompt_eval_count":26,"prompt_eval_duration":325953000,"eval_count":290,"eval_duration":4709213000}
                """));

        GenerateResponse r = client().generate(GenerateRequest.of("llama3.2", "Why is the sky blue?")
                        .withOptions(Map.of("num_predict", 8, "temperature", 0))
                        .withKeepAlive(KeepAlive.of(Duration.ofMinutes(10))))
                .await().atMost(WAIT);

        assertThat(json(server.lastRequest().body())).isEqualTo(json("""
                {"model":"llama3.2","prompt":"Why is the sky blue?","options":{"num_predict":8,"temperature":0},
                 "keep_alive":600,"stream":false}"""));
        assertThat(r.done()).isTrue();
        assertThat(r.response()).startsWith("The sky is blue");
        GenerationMetrics m = r.metrics();
        assertThat(m.evalCount()).isEqualTo(290);
        assertThat(m.evalDuration()).isEqualTo(Duration.ofNanos(4709213000L));
        assertThat(m.loadDuration()).isEqualTo(Duration.ofNanos(5025959));
        assertThat(m.promptEvalCount()).isEqualTo(26);
        assertThat(m.totalDuration()).isEqualTo(Duration.ofNanos(5043500667L));
        assertThat(m.tokensPerSecond().getAsDouble()).isBetween(61.5, 61.6);
    }

    @Test
    void keepAliveForms() throws Exception {
        assertThat(JsonCodec.mapper().writeValueAsString(KeepAlive.unloadNow())).isEqualTo("0");
        assertThat(JsonCodec.mapper().writeValueAsString(KeepAlive.forever())).isEqualTo("-1");
        assertThat(JsonCodec.mapper().writeValueAsString(KeepAlive.of(Duration.ofMillis(1500)))).isEqualTo("1.5");
        assertThat(JsonCodec.mapper().writeValueAsString(KeepAlive.parse("1h30m"))).isEqualTo("\"1h30m\"");
        assertThatThrownBy(() -> KeepAlive.parse("ten minutes")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void generateStreamEmitsFragmentsThenTheFinalTimings() {
        // docs/api.md "Generate request (Streaming)": fragments with done:false, then the final object.
        String stream = """
                {"model":"llama3.2","created_at":"2023-08-04T08:52:19.385406455-07:00","response":"The","done":false}
                {"model":"llama3.2","created_at":"2023-08-04T08:52:19.385406455-07:00","response":" sky","done":false}
                {"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z","response":"","done":true,"done_reason":"stop","context":[1,2,3],"total_duration":10706818083,"load_duration":6338219291,"prompt_eval_count":26,"prompt_eval_duration":130079000,"eval_count":259,"eval_duration":4232710000}
                """;
        server.on("POST", "/api/generate", (req, resp) ->
                server.writeBytesSlowly(resp, TestHttpServer.splitBytes(stream, 13), 1, true));

        List<GenerateResponse> chunks = client().generateStream(GenerateRequest.of("llama3.2", "Why is the sky blue?"))
                .collect().asList().await().atMost(WAIT);

        assertThat(chunks).extracting(GenerateResponse::response).containsExactly("The", " sky", "");
        assertThat(chunks).extracting(GenerateResponse::done).containsExactly(false, false, true);
        GenerateResponse last = chunks.get(2);
        assertThat(last.doneReason()).isEqualTo("stop");
        assertThat(last.metrics().evalCount()).isEqualTo(259L);
        assertThat(last.metrics().loadDuration()).isEqualTo(Duration.ofNanos(6338219291L));
        assertThat(last.metrics().promptEvalDuration()).isEqualTo(Duration.ofNanos(130079000));
        assertThat(chunks.get(0).metrics().totalDuration()).isZero();
    }

    @Test
    void chatNonStreamingAndUnloadWithKeepAliveZero() throws Exception {
        // docs/api.md "Chat request (No streaming)".
        server.on("POST", "/api/chat", (req, resp) -> resp.end("""
                {"model":"llama3.2","created_at":"2023-12-12T14:13:43.416799Z",
                 "message":{"role":"assistant","content":"Hello! How are you today?"},"done":true,
                 "total_duration":5191566416,"load_duration":2154458,"prompt_eval_count":26,
                 "prompt_eval_duration":383809000,"eval_count":298,"eval_duration":4799921000}
                """));

        ChatResponse r = client().chat(ChatRequest.of("llama3.2", List.of(ChatMessage.of("user", "why is the sky blue?")))
                        .withKeepAlive(KeepAlive.unloadNow()))
                .await().atMost(WAIT);

        assertThat(json(server.lastRequest().body())).isEqualTo(json("""
                {"model":"llama3.2","messages":[{"role":"user","content":"why is the sky blue?"}],
                 "keep_alive":0,"stream":false}"""));
        assertThat(r.message().content()).isEqualTo("Hello! How are you today?");
        assertThat(r.message().role()).isEqualTo("assistant");
        assertThat(r.metrics().evalCount()).isEqualTo(298);
    }

    @Test
    void chatStream() {
        // docs/api.md "Chat Request (Streaming)".
        server.on("POST", "/api/chat", (req, resp) -> server.writeSlowly(resp, List.of(
                "{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T08:52:19.385406455-07:00\",\"message\":{\"role\":\"assistant\",\"content\":\"The\",\"images\":null},\"done\":false}\n",
                "{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T19:22:45.499127Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"total_duration\":4883583458,\"load_duration\":1334875,\"prompt_eval_count\":26,\"prompt_eval_duration\":342546000,\"eval_count\":282,\"eval_duration\":4535599000}\n"),
                5, true));

        List<ChatResponse> chunks = client().chatStream(ChatRequest.of("llama3.2", List.of(ChatMessage.of("user", "hi"))))
                .collect().asList().await().atMost(WAIT);

        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0).message().content()).isEqualTo("The");
        assertThat(chunks.get(1).done()).isTrue();
        assertThat(chunks.get(1).metrics().evalDuration()).isEqualTo(Duration.ofNanos(4535599000L));
    }

    @Test
    void errorStatusBeforeStreamingCarriesOllamasMessage() {
        // Errors before any output keep their status (server/routes.go streamResponse, !c.Writer.Written()).
        server.on("POST", "/api/generate", (req, resp) -> resp.setStatusCode(404)
                .end("{\"error\":\"model \\\"ghost\\\" not found, try pulling it first\"}"));

        AssertSubscriber<GenerateResponse> sub = client().generateStream(GenerateRequest.of("ghost", "hi"))
                .subscribe().withSubscriber(AssertSubscriber.create(10));

        sub.awaitFailure(WAIT);
        assertThat(sub.getFailure()).isInstanceOfSatisfying(OllamaModelNotFoundException.class,
                e -> assertThat(e.upstreamMessage()).isEqualTo("model \"ghost\" not found, try pulling it first"));
    }

    @Test
    void serverErrorOnNonStreamingGenerate() {
        server.on("POST", "/api/generate", (req, resp) -> resp.setStatusCode(500)
                .end("{\"error\":\"llama runner process has terminated: signal: killed\"}"));

        assertThatThrownBy(() -> client().generate(GenerateRequest.of("llama3.2", "hi")).await().atMost(WAIT))
                .isInstanceOfSatisfying(OllamaException.class, e -> {
                    assertThat(e.status()).isEqualTo(500);
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.STATUS);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.upstreamMessage()).contains("llama runner process has terminated");
                });
    }

    @Test
    void unansweredCallTimesOutAndClosesTheConnection() throws Exception {
        server.on("POST", "/api/generate", (req, resp) -> {
            // never answers: a wedged model load
        });
        OllamaSettings settings = OllamaSettings.defaults()
                .withInference(new HttpTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(1)));

        assertThatThrownBy(() -> client(settings).generate(GenerateRequest.of("llama3.2", "hi")).await().atMost(WAIT))
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.TIMEOUT));
        server.responseAborted().get(5, TimeUnit.SECONDS);
    }

    @Test
    void connectionRefusedIsAConnectFailure() throws Exception {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        client = closedAfterTest(new OllamaClient(vertx, URI.create("http://127.0.0.1:" + freePort)));

        assertThatThrownBy(() -> client.ping().await().atMost(WAIT))
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.CONNECT);
                    assertThat(e.status()).isZero();
                });
    }

    @Test
    void nonJsonBodyIsABadResponse() {
        server.on("GET", "/api/tags", (req, resp) -> resp.end("<html>proxy error</html>"));

        assertThatThrownBy(() -> client().tags().await().atMost(WAIT))
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.BAD_RESPONSE));
    }
}
