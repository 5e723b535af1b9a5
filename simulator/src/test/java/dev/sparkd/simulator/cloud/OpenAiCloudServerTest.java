package dev.sparkd.simulator.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.sparkd.simulator.generation.Pace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The official OpenAI Java SDK must be able to talk to the simulated provider as to the real one. */
class OpenAiCloudServerTest {
    static final String KEY = "sk-test-0123456789abcdef";
    @RegisterExtension
    static final RunningCloud<OpenAiCloudServer> cloud = new RunningCloud<>(
            v -> new OpenAiCloudServer(v, Set.of(KEY), List.of(), new Pace(Duration.ofMillis(20), 500)));
    static final OpenAiCloudServer server = cloud.server;
    static OpenAIClient client;
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() {
        client = OpenAIOkHttpClient.builder().apiKey(KEY).baseUrl(server.baseUrl()).maxRetries(0).build();
    }

    static ChatCompletionCreateParams.Builder params(String prompt) {
        return ChatCompletionCreateParams.builder().model("gpt-4.1-mini").addUserMessage(prompt);
    }

    @Test
    void sdkCompletesNonStreaming() {
        ChatCompletion c = client.chat().completions().create(params("What is 2+2? Reply with just the number.").build());
        assertThat(c.choices().get(0).message().content()).hasValue("4");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(1);
        CloudRequest logged = server.requests().get(0);
        assertThat(logged.path()).isEqualTo("/v1/chat/completions");
        assertThat(logged.model()).isEqualTo("gpt-4.1-mini");
        assertThat(logged.keyId()).isEqualTo("\u2026cdef");
        assertThat(logged.inputTokens()).isEqualTo(c.usage().get().promptTokens());
        assertThat(logged.outputTokens()).isEqualTo(1);
    }

    @Test
    void sdkStreamsWithFinalUsageChunk() {
        ChatCompletionCreateParams p = params("Tell me about the cluster")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(p)) {
            stream.stream().forEach(ch -> {
                chunks.add(ch);
                ch.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
            });
        }
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        long completion = last.usage().orElseThrow().completionTokens();
        assertThat(text.toString()).startsWith(text.substring(0, 1).toUpperCase()).endsWith(".");
        assertThat(server.requests().get(0).stream()).isTrue();
        assertThat(server.requests().get(0).outputTokens()).isEqualTo((int) completion);
        ChatCompletion whole = client.chat().completions().create(params("Tell me about the cluster").build());
        assertThat(whole.choices().get(0).message().content()).hasValue(text.toString());
    }

    @Test
    void rawStreamFollowsTheWireFormat() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", KEY, "{\"model\":\"gpt-4.1-mini\",\"stream\":true,"
                + "\"max_tokens\":3,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}");
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        String[] events = r.body().split("\n\n");
        assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
        JsonNode first = json.readTree(events[0].substring(6));
        assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(first.has("usage") && first.get("usage").isNull()).isTrue();
        JsonNode finish = json.readTree(events[events.length - 3].substring(6));
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        JsonNode usage = json.readTree(events[events.length - 2].substring(6));
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void wrongKeyGetsOpenAisErrorShape() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", "sk-wrong-key-000000wxyz", "{\"model\":\"gpt-4.1-mini\",\"messages\":[]}");
        assertThat(r.statusCode()).isEqualTo(401);
        JsonNode e = json.readTree(r.body()).get("error");
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(e.get("param").isNull()).isTrue();
        assertThat(e.get("message").asText()).startsWith("Incorrect API key provided: sk-").contains("wxyz").doesNotContain("wrong");
        assertThat(server.requests().get(0).status()).isEqualTo(401);

        OpenAIClient bad = OpenAIOkHttpClient.builder().apiKey("sk-nope-1234").baseUrl(server.baseUrl()).maxRetries(0).build();
        assertThatThrownBy(() -> bad.chat().completions().create(params("hi").build())).isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void rateLimitAnswers429WithHeaders() throws Exception {
        server.setRateLimit(1);
        assertThat(post("/v1/chat/completions", KEY, "{\"model\":\"gpt-4.1-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}")
                .statusCode()).isEqualTo(200);
        HttpResponse<String> r = post("/v1/chat/completions", KEY, "{\"model\":\"gpt-4.1-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}");
        assertThat(r.statusCode()).isEqualTo(429);
        JsonNode e = json.readTree(r.body()).get("error");
        assertThat(e.get("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(e.get("type").asText()).isEqualTo("requests");
        assertThat(e.get("message").asText()).startsWith("Rate limit reached for gpt-4.1-mini in organization");
        assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue("1");
        assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        assertThat(r.headers().firstValue("retry-after")).isPresent();
        assertThatThrownBy(() -> client.chat().completions().create(params("x").build())).isInstanceOf(RateLimitException.class);
    }

    @Test
    void faultSwitchGives5xx() throws Exception {
        server.setFault(CloudFault.SERVER_ERROR);
        HttpResponse<String> r = post("/v1/chat/completions", KEY, "{\"model\":\"gpt-4.1-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(json.readTree(r.body()).at("/error/type").asText()).isEqualTo("server_error");
        server.setFault(CloudFault.OVERLOADED);
        assertThat(post("/v1/chat/completions", KEY, "{\"model\":\"gpt-4.1-mini\",\"messages\":[]}").statusCode()).isEqualTo(503);
    }

    @Test
    void embeddingsAndModels() throws Exception {
        CreateEmbeddingResponse e = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small").input("hello spark").dimensions(64).build());
        assertThat(e.data().get(0).embedding()).hasSize(64);
        assertThat(e.usage().promptTokens()).isPositive();
        assertThat(client.models().list().data()).extracting(m -> m.id()).contains("gpt-4.1-mini", "text-embedding-3-small");
        HttpResponse<String> unknown = post("/v1/chat/completions", KEY, "{\"model\":\"gpt-9\",\"messages\":[]}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json.readTree(unknown.body()).at("/error/code").asText()).isEqualTo("model_not_found");
    }

    static HttpResponse<String> post(String path, String key, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
