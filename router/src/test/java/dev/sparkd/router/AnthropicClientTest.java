package dev.sparkd.router;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;

import dev.sparkd.daemon.edge.AdminToken;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.router.ledger.Ledger;
import dev.sparkd.simulator.control.RequestRecord;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;

/**
 * Anthropic clients through the router, with the official Anthropic Java SDK: {@code /v1/messages} served by a local
 * vLLM (translated both ways) and by the Anthropic provider (passed through), whole and streamed, with tools.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatorResource.class)
class AnthropicClientTest {
    static final String QUESTION = "What is 2+2? Reply with just the number.";

    @Inject
    Ledger ledger;
    @Inject
    Pool pool;
    @Inject
    SuiteConfig config;

    static AnthropicClient client(String key) {
        return AnthropicOkHttpClient.builder().baseUrl(RouterProxyTest.base()).apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    static final Tool WEATHER = Tool.builder().name("get_weather").description("The weather in a city")
            .inputSchema(Tool.InputSchema.builder()
                    .properties(JsonValue.from(Map.of("city", Map.of("type", "string", "description", "The city"))))
                    .required(List.of("city")).build())
            .build();

    Row ledgerRow(String requestId) {
        return LedgerReads.row(ledger, pool, requestId);
    }

    static String text(Message m) {
        StringBuilder b = new StringBuilder();
        m.content().forEach(block -> block.text().ifPresent(t -> b.append(t.text())));
        return b.toString();
    }

    static long chatCalls(String service) {
        return SimulatorResource.sim.control().requests(service).stream().filter(r -> r.path().equals("/v1/chat/completions")).count();
    }

    @Test
    void aLocalVllmAnswersAnAnthropicClientWholeAndStreamed() {
        AnthropicClient client = client("unused-keyless");
        long before = chatCalls("vllm-1");
        MessageCreateParams params = MessageCreateParams.builder().model("local").maxTokens(256)
                .system("You are terse.").addUserMessage(QUESTION).build();

        var raw = client.messages().withRawResponse().create(params);
        Message m = raw.parse();
        assertThat(text(m)).isEqualTo("4");
        assertThat(m.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(m.model().asString()).isEqualTo("local");
        assertThat(m.usage().inputTokens()).isPositive();
        assertThat(m.usage().outputTokens()).isEqualTo(1);
        assertThat(chatCalls("vllm-1")).as("served by the local vLLM's chat completions").isEqualTo(before + 1);
        String rid = raw.headers().values("X-Request-Id").get(0);
        Row row = ledgerRow(rid);
        assertThat(row.getString("endpoint")).isEqualTo("messages");
        assertThat(row.getString("target")).isEqualTo("vllm-1");
        assertThat(row.getLong("prompt_tokens")).isEqualTo(m.usage().inputTokens());
        assertThat(row.getLong("completion_tokens")).isEqualTo(1);

        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(params)) {
            s.stream().forEach(acc::accumulate);
        }
        Message streamed = acc.message();
        assertThat(text(streamed)).isEqualTo("4");
        assertThat(streamed.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(streamed.usage().outputTokens()).isEqualTo(1);
        assertThat(streamed.usage().inputTokens()).as("the usage chunk's prompt tokens arrive in message_delta").isEqualTo(m.usage().inputTokens());
    }

    @Test
    void aToolUseRoundTripOnALocalModel() {
        AnthropicClient client = client("unused-keyless");
        MessageCreateParams ask = MessageCreateParams.builder().model("local").maxTokens(256).addTool(WEATHER)
                .addUserMessage("Use get_weather to tell me the weather in Paris.").build();

        Message call = client.messages().create(ask);
        assertThat(call.stopReason()).hasValue(StopReason.TOOL_USE);
        ToolUseBlock use = call.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use._input().convert(Map.class)).containsKey("city");

        // streamed, the call arrives as a tool_use block with input_json_delta fragments the SDK puts together
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(ask)) {
            s.stream().forEach(acc::accumulate);
        }
        Message streamed = acc.message();
        assertThat(streamed.stopReason()).hasValue(StopReason.TOOL_USE);
        ToolUseBlock streamedUse = streamed.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertThat(streamedUse.name()).isEqualTo("get_weather");
        assertThat(streamedUse._input().convert(Map.class)).isEqualTo(use._input().convert(Map.class));

        Message answer = client.messages().create(MessageCreateParams.builder().model("local").maxTokens(256).addTool(WEATHER)
                .addUserMessage("Use get_weather to tell me the weather in Paris.")
                .addMessage(call)
                .addUserMessageOfBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(use.id()).content("18 degrees and sunny").build())))
                .build());
        assertThat(answer.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(answer.content()).extracting(ContentBlock::isText).containsOnly(true);
        assertThat(text(answer)).isNotBlank();
    }

    @Test
    void anAnthropicTargetGetsTheRequestAsItCame() {
        AnthropicClient client = client("unused-keyless");
        int before = SimulatorResource.sim.anthropic().requests().size();
        MessageCreateParams params = MessageCreateParams.builder().model("claude").maxTokens(64).addTool(WEATHER)
                .addUserMessage("Use get_weather for Paris.").build();

        Message m = client.messages().create(params);
        assertThat(m.stopReason()).hasValue(StopReason.TOOL_USE);
        assertThat(m.model().asString()).as("the provider's own answer, untouched").isEqualTo("claude-sonnet-4-5");

        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(MessageCreateParams.builder()
                .model("claude").maxTokens(64).addUserMessage(QUESTION).build())) {
            s.stream().forEach(acc::accumulate);
        }
        assertThat(text(acc.message())).isEqualTo("4");
        assertThat(acc.message().usage().outputTokens()).isPositive();
        var sent = SimulatorResource.sim.anthropic().requests();
        assertThat(sent.size() - before).isEqualTo(2);
        assertThat(sent.get(sent.size() - 1).model()).isEqualTo("claude-sonnet-4-5");
    }

    @Test
    void tokensAreCountedByVllmOrTheProviderAndOtherwiseRefusedClearly() {
        AnthropicClient client = client("unused-keyless");
        long local = client.messages().countTokens(MessageCountTokensParams.builder().model("local").system("You are terse.")
                .addUserMessage(QUESTION).build()).inputTokens();
        // vLLM's /tokenize counts the prompt through the chat template: more than the words alone
        assertThat(local).isGreaterThan(QUESTION.split(" ").length);
        assertThat(SimulatorResource.sim.control().requests("vllm-1")).extracting(RequestRecord::path).contains("/tokenize");

        long cloud = client.messages().countTokens(MessageCountTokensParams.builder().model("claude").addUserMessage(QUESTION).build())
                .inputTokens();
        Message m = client.messages().create(MessageCreateParams.builder().model("claude").maxTokens(16).addUserMessage(QUESTION).build());
        assertThat(cloud).as("the provider's own count").isEqualTo(m.usage().inputTokens());

        given().contentType("application/json").body("{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/messages/count_tokens").then().statusCode(501).body("type", equalTo("error"))
                .body("error.message", equalTo("No target of route `llama` can count tokens: only Anthropic and vLLM targets can."));
    }

    @Test
    void errorsComeInAnthropicsShapeAndTheKeyMayComeAsXApiKey() {
        assertThatThrownBy(() -> client("unused-keyless").messages().create(MessageCreateParams.builder().model("no-such-route")
                .maxTokens(16).addUserMessage("hi").build())).isInstanceOf(NotFoundException.class).hasMessageContaining("no-such-route");
        given().contentType("application/json").body("{\"model\":\"local\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/messages").then().statusCode(400)
                .body("type", equalTo("error")).body("error.type", equalTo("invalid_request_error"))
                .body("error.message", equalTo("max_tokens: Field required"));

        String secret = given().header("Authorization", "Bearer " + AdminToken.read(config)).contentType("application/json")
                .body("{\"name\":\"claude-code\",\"routes\":[\"local\"]}").post("/api/v1/keys").then().statusCode(200).extract().path("key");
        // the SDK sends its key as x-api-key
        Message m = client(secret).messages().create(MessageCreateParams.builder().model("local").maxTokens(16).addUserMessage(QUESTION).build());
        assertThat(text(m)).isEqualTo("4");
        // ANTHROPIC_AUTH_TOKEN in Claude Code: the same key as a bearer token
        given().header("Authorization", "Bearer " + secret).contentType("application/json")
                .body("{\"model\":\"local\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION + "\"}]}")
                .post("/v1/messages").then().statusCode(200).body("content[0].text", equalTo("4"));
        assertThatThrownBy(() -> client(secret + "x").messages().create(MessageCreateParams.builder().model("local").maxTokens(16)
                .addUserMessage("hi").build())).isInstanceOf(UnauthorizedException.class);
        given().header("x-api-key", secret).contentType("application/json")
                .body("{\"model\":\"chat\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/messages").then().statusCode(403).body("error.type", equalTo("permission_error"));
    }
}
