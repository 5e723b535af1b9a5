package dev.sparkd.core.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.core.http.HttpTimeouts;
import dev.sparkd.core.http.JsonCodec;
import dev.sparkd.core.http.ScriptedServerTest;
import dev.sparkd.core.http.SseEvent;
import dev.sparkd.core.http.TestHttpServer;
import dev.sparkd.core.http.UpstreamException;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OpenAiClientTest extends ScriptedServerTest {
    private static final String KEY = "sk-test-4f9c2e7a1b";

    private OpenAiClient client;

    private OpenAiClient client() {
        return client(KEY, OpenAiClient.defaultTimeouts());
    }

    private OpenAiClient client(String key, HttpTimeouts timeouts) {
        client = closedAfterTest(new OpenAiClient(vertx, URI.create(server.uri() + "/v1"), key == null ? null : () -> key, timeouts));
        return client;
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JsonCodec.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectNode chatBody() {
        // vLLM extensions that must pass through untouched.
        return json("""
                {"model":"Qwen/Qwen3-30B-A3B","messages":[{"role":"user","content":"Hello!"}],
                 "top_k":20,"min_p":0.05,"chat_template_kwargs":{"enable_thinking":false}}""");
    }

    // Chunk shape: OpenAI API reference "The chat completion chunk object"; usage chunk and
    // [DONE] as described for stream_options.include_usage (openai/openai-node
    // src/resources/chat/completions/completions.ts, ChatCompletionStreamOptions).
    private static final String ROLE_CHUNK = "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n";
    private static final String CONTENT_CHUNK = "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n";
    private static final String STOP_CHUNK = "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n";
    private static final String USAGE_CHUNK = "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10}}\n\n";
    private static final String DONE = "data: [DONE]\n\n";

    @Test
    void modelsReadsVllmAndOllamaCards() {
        // vLLM /v1/models ModelCard (vllm/entrypoints/openai/protocol.py) and Ollama's /v1/models.
        server.on("GET", "/v1/models", (req, resp) -> resp.end("""
                {"object":"list","data":[
                 {"id":"Qwen/Qwen3-30B-A3B","object":"model","created":1735000000,"owned_by":"vllm",
                  "root":"Qwen/Qwen3-30B-A3B","parent":null,"max_model_len":32768,"permission":[]},
                 {"id":"llama3.2:latest","object":"model","created":1746405464,"owned_by":"library"}]}
                """));

        List<ModelCard> models = client().models().await().atMost(WAIT);

        assertThat(models).extracting(ModelCard::id).containsExactly("Qwen/Qwen3-30B-A3B", "llama3.2:latest");
        assertThat(models.get(0).ownedBy()).isEqualTo("vllm");
        assertThat(models.get(0).maxModelLen()).isEqualTo(32768);
        assertThat(models.get(1).maxModelLen()).isNull();
        assertThat(server.lastRequest().headers()).containsEntry("authorization", "Bearer " + KEY);
    }

    @Test
    void chatCompletionPassesUnknownFieldsThroughAndForcesNonStreaming() {
        // OpenAI API reference "The chat completion object".
        server.on("POST", "/v1/chat/completions", (req, resp) -> resp.end("""
                {"id":"chatcmpl-123","object":"chat.completion","created":1677652288,"model":"gpt-4o-mini",
                 "system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"message":{"role":"assistant",
                 "content":"Hello there, how may I assist you today?"},"logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}
                """));
        ObjectNode body = chatBody();
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        ObjectNode original = body.deepCopy();

        ObjectNode answer = client().chatCompletion(body).await().atMost(WAIT);

        ObjectNode expected = chatBody();
        expected.put("stream", false);
        assertThat(json(server.lastRequest().body())).isEqualTo(expected);
        assertThat(body).as("caller's body untouched").isEqualTo(original);
        assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("Hello there, how may I assist you today?");
        assertThat(answer.at("/usage/total_tokens").asInt()).isEqualTo(21);
        assertThat(server.lastRequest().headers()).containsEntry("authorization", "Bearer " + KEY)
                .containsEntry("content-type", "application/json");
    }

    @Test
    void noKeyMeansNoAuthorizationHeader() {
        server.on("POST", "/v1/embeddings", (req, resp) -> resp.end("""
                {"object":"list","data":[{"object":"embedding","embedding":[0.0023064255,-0.009327292],"index":0}],
                 "model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}"""));

        ObjectNode answer = client(null, OpenAiClient.defaultTimeouts())
                .embeddings(json("{\"model\":\"text-embedding-3-small\",\"input\":\"The food was delicious\"}"))
                .await().atMost(WAIT);

        assertThat(server.lastRequest().headers()).doesNotContainKey("authorization");
        assertThat(answer.at("/data/0/embedding").size()).isEqualTo(2);
    }

    @Test
    void unauthorizedMapsTheOpenAiErrorAndNeverShowsTheKey() {
        // OpenAI error object; this server (unlike OpenAI) echoes the whole key back.
        server.on("POST", "/v1/chat/completions", (req, resp) -> resp.setStatusCode(401).end(
                "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + ". You can find your API key at https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}"));

        assertThatThrownBy(() -> client().chatCompletion(chatBody()).await().atMost(WAIT))
                .isInstanceOfSatisfying(OpenAiException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.STATUS);
                    assertThat(e.type()).isEqualTo("invalid_request_error");
                    assertThat(e.code()).isEqualTo("invalid_api_key");
                    assertThat(e.param()).isNull();
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("Incorrect API key provided").doesNotContain(KEY);
                    assertThat(e.upstreamMessage()).doesNotContain(KEY).contains("[redacted]");
                    assertThat(e.toString()).doesNotContain(KEY);
                });
    }

    @Test
    void rateLimitCarriesRetryAfter() {
        server.on("POST", "/v1/chat/completions", (req, resp) -> resp.setStatusCode(429).putHeader("Retry-After", "7").end(
                "{\"error\":{\"message\":\"Rate limit reached for gpt-4o-mini in organization org-x on requests per min (RPM): Limit 3, Used 3, Requested 1.\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}"));

        assertThatThrownBy(() -> client().chatCompletion(chatBody()).await().atMost(WAIT))
                .isInstanceOfSatisfying(OpenAiException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.code()).isEqualTo("rate_limit_exceeded");
                    assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(7));
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void serverErrorWithNullCode() {
        server.on("POST", "/v1/chat/completions", (req, resp) -> resp.setStatusCode(500).end(
                "{\"error\":{\"message\":\"The server had an error while processing your request. Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}"));

        assertThatThrownBy(() -> client().chatCompletion(chatBody()).await().atMost(WAIT))
                .isInstanceOfSatisfying(OpenAiException.class, e -> {
                    assertThat(e.status()).isEqualTo(500);
                    assertThat(e.type()).isEqualTo("server_error");
                    assertThat(e.code()).isNull();
                    assertThat(e.retryAfter()).isEmpty();
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void olderVllmFlatErrorShapeIsUnderstood() {
        // vLLM before 0.10.1 (vllm-project/vllm#22099 changed it to the nested OpenAI shape).
        server.on("POST", "/v1/chat/completions", (req, resp) -> resp.setStatusCode(400).end("""
                {"object":"error","message":"This model's maximum context length is 2048 tokens. However, you requested 2723 tokens.",
                 "type":"BadRequestError","param":null,"code":400}"""));

        assertThatThrownBy(() -> client().chatCompletion(chatBody()).await().atMost(WAIT))
                .isInstanceOfSatisfying(OpenAiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.type()).isEqualTo("BadRequestError");
                    assertThat(e.code()).isEqualTo("400");
                    assertThat(e.upstreamMessage()).startsWith("This model's maximum context length is 2048 tokens");
                });
    }

    @Test
    void nonJsonErrorFromAProxyKeepsItsText() {
        server.on("POST", "/v1/completions", (req, resp) -> resp.setStatusCode(502).end("<html>502 Bad Gateway</html>"));

        assertThatThrownBy(() -> client().completion(json("{\"model\":\"m\",\"prompt\":\"x\"}")).await().atMost(WAIT))
                .isInstanceOfSatisfying(OpenAiException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.upstreamMessage()).contains("502 Bad Gateway");
                });
    }

    @Test
    void streamWithUsageChunkSplitAcrossTcpWrites() {
        String wire = ROLE_CHUNK + ": keep-alive comment\n\n" + CONTENT_CHUNK + STOP_CHUNK + USAGE_CHUNK + DONE;
        server.on("POST", "/v1/chat/completions", (req, resp) -> {
            resp.putHeader("Content-Type", "text/event-stream");
            server.writeBytesSlowly(resp, TestHttpServer.splitBytes(wire, 5), 1, true);
        });
        ObjectNode body = chatBody();
        body.putObject("stream_options").put("include_obfuscation", false);

        ChatStream stream = client().openChatStream(body, true);
        List<SseEvent> events = stream.events().collect().asList().await().atMost(WAIT);

        assertThat(events).hasSize(5);
        assertThat(events.get(1).data()).contains("\"content\":\"Hello\"");
        assertThat(events.get(4).isDone()).isTrue();
        JsonNode sent = json(server.lastRequest().body());
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(sent.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(sent.at("/stream_options/include_obfuscation").asBoolean(true)).isFalse();
        assertThat(sent.path("top_k").asInt()).isEqualTo(20);
        assertThat(sent.at("/chat_template_kwargs/enable_thinking").isBoolean()).isTrue();
        assertThat(server.lastRequest().headers()).containsEntry("accept", "text/event-stream");
        StreamTiming timing = stream.timing();
        assertThat(timing.completed()).isTrue();
        assertThat(timing.usage()).hasValueSatisfying(u -> assertThat(u.path("total_tokens").asInt()).isEqualTo(10));
        assertThat(timing.timeToFirstToken()).isPresent();
        assertThat(timing.total()).isPresent();
    }

    @Test
    void timeToFirstTokenIgnoresTheEmptyRoleChunk() {
        server.on("POST", "/v1/chat/completions", (req, resp) -> {
            resp.setChunked(true).write(ROLE_CHUNK);
            vertx.getDelegate().setTimer(300, t -> resp.end(CONTENT_CHUNK + DONE));
        });

        ChatStream stream = client().openChatStream(chatBody(), false);
        stream.events().collect().asList().await().atMost(WAIT);

        Duration firstEvent = stream.timing().timeToFirstEvent().orElseThrow();
        Duration firstToken = stream.timing().timeToFirstToken().orElseThrow();
        assertThat(firstToken).isGreaterThanOrEqualTo(Duration.ofMillis(290));
        assertThat(firstEvent).isLessThan(Duration.ofMillis(250));
        assertThat(stream.timing().usage()).isEmpty();
        assertThat(json(server.lastRequest().body()).has("stream_options")).isFalse();
    }

    @Test
    void errorObjectInsideTheStreamFailsIt() {
        // OpenAI and vLLM report failures after the 200 as a data event with an "error" object.
        server.on("POST", "/v1/chat/completions", (req, resp) -> server.writeSlowly(resp, List.of(ROLE_CHUNK,
                "data: {\"error\":{\"message\":\"The model produced invalid content.\",\"type\":\"model_error\",\"param\":null,\"code\":\"invalid_content\"}}\n\n"),
                5, true));

        AssertSubscriber<SseEvent> sub = client().streamChatCompletion(chatBody())
                .subscribe().withSubscriber(AssertSubscriber.create(10));

        OpenAiException e = failure(sub, OpenAiException.class, UpstreamException.Kind.STREAM_ERROR);
        assertThat(sub.getItems()).hasSize(1);
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.code()).isEqualTo("invalid_content");
        assertThat(e.upstreamMessage()).isEqualTo("The model produced invalid content.");
    }

    @Test
    void flatErrorInsideTheStreamFailsIt() {
        // vLLM before 0.10.1 (vllm-project/vllm#22099) sends the flat ErrorResponse inside the stream, then [DONE]
        server.on("POST", "/v1/chat/completions", (req, resp) -> server.writeSlowly(resp, List.of(ROLE_CHUNK,
                "data: {\"object\":\"error\",\"message\":\"CUDA error: out of memory\",\"type\":\"InternalServerError\",\"param\":null,\"code\":500}\n\n",
                "data: [DONE]\n\n"), 5, true));

        AssertSubscriber<SseEvent> sub = client().streamChatCompletion(chatBody())
                .subscribe().withSubscriber(AssertSubscriber.create(10));

        OpenAiException e = failure(sub, OpenAiException.class, UpstreamException.Kind.STREAM_ERROR);
        assertThat(e.upstreamMessage()).isEqualTo("CUDA error: out of memory");
    }

    @Test
    void streamEndingWithoutDoneIsTruncated() {
        server.on("POST", "/v1/chat/completions", (req, resp) -> resp.end(ROLE_CHUNK + CONTENT_CHUNK));

        AssertSubscriber<SseEvent> sub = client().streamChatCompletion(chatBody())
                .subscribe().withSubscriber(AssertSubscriber.create(10));

        failure(sub, UpstreamException.class, UpstreamException.Kind.TRUNCATED);
        assertThat(sub.getItems()).hasSize(2);
    }

    @Test
    void streamCompletesAtDoneEvenIfTheServerKeepsTheConnectionOpen() throws Exception {
        server.on("POST", "/v1/chat/completions", (req, resp) -> resp.setChunked(true).write(ROLE_CHUNK + DONE));

        List<SseEvent> events = client().streamChatCompletion(chatBody()).collect().asList().await().atMost(WAIT);

        assertThat(events).hasSize(2);
        server.responseAborted().get(5, TimeUnit.SECONDS);
    }

    @Test
    void hangingStreamHitsTheIdleLimitAndClosesTheConnection() throws Exception {
        server.on("POST", "/v1/chat/completions", (req, resp) -> resp.setChunked(true).write(ROLE_CHUNK));
        HttpTimeouts timeouts = new HttpTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(300));

        AssertSubscriber<SseEvent> sub = client(KEY, timeouts).streamChatCompletion(chatBody())
                .subscribe().withSubscriber(AssertSubscriber.create(10));

        failure(sub, UpstreamException.class, UpstreamException.Kind.TIMEOUT);
        assertThat(sub.getItems()).hasSize(1);
        server.responseAborted().get(5, TimeUnit.SECONDS);
    }

    @Test
    void streamWithoutResponseHeadersTimesOutAndClosesTheConnection() throws Exception {
        server.on("POST", "/v1/chat/completions", (req, resp) -> {
            // never answers: a backend stuck before its first byte
        });
        HttpTimeouts timeouts = new HttpTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(5));

        AssertSubscriber<SseEvent> sub = client(KEY, timeouts).streamChatCompletion(chatBody())
                .subscribe().withSubscriber(AssertSubscriber.create(10));

        sub.awaitFailure(WAIT);
        assertThat(sub.getFailure()).isInstanceOfSatisfying(UpstreamException.class, e -> {
            assertThat(e.kind()).isEqualTo(UpstreamException.Kind.TIMEOUT);
            assertThat(e.getMessage()).contains("no response headers");
        });
        server.responseAborted().get(5, TimeUnit.SECONDS);
    }

    @Test
    void cancellingTheStreamClosesTheRequest() throws Exception {
        server.on("POST", "/v1/chat/completions", (req, resp) -> resp.setChunked(true).write(ROLE_CHUNK + CONTENT_CHUNK));

        AssertSubscriber<SseEvent> sub = client().streamChatCompletion(chatBody())
                .subscribe().withSubscriber(AssertSubscriber.create(10));
        sub.awaitItems(2, WAIT);
        assertThat(server.responseAborted()).isNotDone();

        sub.cancel();

        server.responseAborted().get(5, TimeUnit.SECONDS);
    }

    @Test
    void errorStatusOnAStreamFailsBeforeAnyEvent() {
        server.on("POST", "/v1/chat/completions", (req, resp) -> resp.setStatusCode(429).putHeader("retry-after-ms", "1500").end(
                "{\"error\":{\"message\":\"Too many requests\",\"type\":\"rate_limit_error\",\"param\":null,\"code\":429}}"));

        AssertSubscriber<SseEvent> sub = client().streamChatCompletion(chatBody())
                .subscribe().withSubscriber(AssertSubscriber.create(10));

        sub.awaitFailure(WAIT);
        assertThat(sub.getItems()).isEmpty();
        assertThat(sub.getFailure()).isInstanceOfSatisfying(OpenAiException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.code()).isEqualTo("429");
            assertThat(e.retryAfter()).hasValue(Duration.ofMillis(1500));
        });
    }

    @Test
    void legacyCompletionsStreamCountsTextAsTokens() {
        // OpenAI API reference "The completion object" (legacy), streamed.
        server.on("POST", "/v1/completions", (req, resp) -> resp.end(
                "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"text\":\"This\",\"index\":0,\"logprobs\":null,\"finish_reason\":null}]}\n\n" + DONE));

        ChatStream stream = client().openCompletionStream(json("{\"model\":\"m\",\"prompt\":\"Say this\"}"), false);
        List<SseEvent> events = stream.events().collect().asList().await().atMost(WAIT);

        assertThat(events).hasSize(2);
        assertThat(stream.timing().timeToFirstToken()).isPresent();
    }
}
