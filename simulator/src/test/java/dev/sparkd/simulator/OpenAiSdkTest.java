package dev.sparkd.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import dev.sparkd.simulator.testing.SimToml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The official OpenAI Java SDK (com.openai:openai-java) completes chats against the simulated vLLM and Ollama /v1. */
class OpenAiSdkTest {
    private static Simulator sim;

    @BeforeAll
    static void start() throws Exception {
        sim = TestConfigs.fast(SimToml.service("spark-1", "ollama-1", "ollama", "models = [\"llama3.2:3b\"]")
                + SimToml.service("spark-1", "vllm-1", "vllm", "model = \"test/tiny-chat\""));
        Http.awaitStatus(sim.port("vllm-1"), "/health", 200, Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @ParameterizedTest
    @CsvSource({"vllm-1, test/tiny-chat", "ollama-1, llama3.2:3b"})
    void nonStreaming(String service, String model) {
        assertThat(complete(client(service), model)).isEqualTo("4");
    }

    @Test
    void vllmStreaming() {
        assertThat(streamedUsage(client("vllm-1"), "test/tiny-chat").completionTokens()).isEqualTo(1);
    }

    @Test
    void ollamaStreaming() {
        assertThat(streamedUsage(client("ollama-1"), "llama3.2:3b").totalTokens()).isGreaterThan(1);
    }

    private static OpenAIClient client(String service) {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + sim.port(service) + "/v1").apiKey("sk-simulated")
                .maxRetries(0).build();
    }

    private static ChatCompletionCreateParams params(String model, boolean usage) {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(model)
                .addUserMessage("What is 2+2? Reply with just the number.");
        if (usage) {
            b.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
        }
        return b.build();
    }

    private static String complete(OpenAIClient client, String model) {
        ChatCompletion c = client.chat().completions().create(params(model, false));
        assertThat(c.choices().get(0).finishReason().asString()).isEqualTo("stop");
        return c.choices().get(0).message().content().orElseThrow();
    }

    /** Streams the question with usage asked for: the answer must be "4" and the last usage chunk is returned. */
    private static CompletionUsage streamedUsage(OpenAIClient client, String model) {
        StringBuilder text = new StringBuilder();
        List<CompletionUsage> usage = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params(model, true))) {
            s.stream().forEach(chunk -> {
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
                chunk.usage().ifPresent(usage::add);
            });
        }
        assertThat(text.toString()).isEqualTo("4");
        assertThat(usage).isNotEmpty();
        return usage.get(usage.size() - 1);
    }
}
