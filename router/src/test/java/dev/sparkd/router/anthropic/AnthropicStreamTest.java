package dev.sparkd.router.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Anthropic's event stream rebuilt as chat.completion.chunks, event by event. */
class AnthropicStreamTest {
    final ObjectMapper mapper = new ObjectMapper();

    static final String START = "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-x\",\"content\":[],"
            + "\"usage\":{\"input_tokens\":20,\"cache_read_input_tokens\":5,\"output_tokens\":1}}}";

    /** Feeds events (name, data, name, data, …) and returns every chunk, parsed, and whether the stream completed. */
    List<JsonNode> run(AnthropicStream s, String... events) throws Exception {
        List<JsonNode> chunks = new ArrayList<>();
        for (int i = 0; i < events.length; i += 2) {
            StreamTranslator.Result r = s.onEvent(events[i], events[i + 1]);
            assertThat(r.error()).as(events[i]).isNull();
            for (String c : r.frames()) {
                chunks.add(data(c));
            }
        }
        return chunks;
    }

    /** The JSON of one {@code data:} frame. */
    JsonNode data(String frame) throws Exception {
        assertThat(frame).startsWith("data: ").endsWith("\n\n");
        return mapper.readTree(frame.substring(6).strip());
    }

    static JsonNode delta(JsonNode chunk) {
        return chunk.path("choices").get(0).path("delta");
    }

    @Test
    void textThinkingAndUsage() throws Exception {
        AnthropicStream s = new AnthropicStream("route", true, mapper);

        List<JsonNode> chunks = run(s,
                "message_start", START,
                "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}",
                "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Hmm.\"}}",
                "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}",
                "ping", "{\"type\":\"ping\"}",
                "content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"4\"}}",
                "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}",
                "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":9}}");
        StreamTranslator.Result end = s.onEvent("message_stop", "{\"type\":\"message_stop\"}");

        assertThat(chunks).hasSize(4); // role, thinking, text, finish; ping and block stops produce nothing
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.path("id").asText()).isEqualTo("chatcmpl-msg_1");
            assertThat(c.path("model").asText()).isEqualTo("claude-x");
        });
        assertThat(delta(chunks.get(0)).path("role").asText()).isEqualTo("assistant");
        assertThat(delta(chunks.get(1)).path("reasoning_content").asText()).isEqualTo("Hmm.");
        assertThat(delta(chunks.get(2)).path("content").asText()).isEqualTo("4");
        assertThat(chunks.get(2).path("choices").get(0).path("finish_reason").isNull()).isTrue();
        assertThat(chunks.get(3).path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(end.done()).isTrue();
        assertThat(end.frames()).hasSize(2).last().isEqualTo("data: [DONE]\n\n");
        JsonNode usage = data(end.frames().get(0));
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("prompt_tokens").asLong()).isEqualTo(25);
        assertThat(usage.path("usage").path("completion_tokens").asLong()).as("message_delta's output_tokens are cumulative").isEqualTo(9);
        assertThat(s.inputTokens()).isEqualTo(25);
        assertThat(s.outputTokens()).isEqualTo(9);
    }

    @Test
    void toolUseBlocksBecomeToolCallsWithArgumentFragmentsPerIndex() throws Exception {
        AnthropicStream s = new AnthropicStream("route", false, mapper);

        List<JsonNode> chunks = run(s,
                "message_start", START,
                "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"Checking.\"}}",
                "content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_a\",\"name\":\"weather\",\"input\":{}}}",
                "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\"}}",
                "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}",
                "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}",
                "content_block_start", "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_b\",\"name\":\"time\",\"input\":{}}}",
                "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}",
                "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":30}}");
        StreamTranslator.Result end = s.onEvent("message_stop", "{\"type\":\"message_stop\"}");

        assertThat(delta(chunks.get(1)).path("content").asText()).as("text carried by content_block_start").isEqualTo("Checking.");
        JsonNode first = delta(chunks.get(2)).path("tool_calls").get(0);
        assertThat(first.path("index").asInt()).isZero();
        assertThat(first.path("id").asText()).isEqualTo("toolu_a");
        assertThat(first.path("type").asText()).isEqualTo("function");
        assertThat(first.path("function").path("name").asText()).isEqualTo("weather");
        StringBuilder args = new StringBuilder();
        for (JsonNode c : chunks) {
            for (JsonNode call : delta(c).path("tool_calls")) {
                if (call.path("index").asInt() == 0) {
                    args.append(call.path("function").path("arguments").asText());
                }
            }
        }
        assertThat(mapper.readTree(args.toString()).path("city").asText()).isEqualTo("Paris");
        JsonNode second = delta(chunks.get(5)).path("tool_calls").get(0);
        assertThat(second.path("index").asInt()).as("the second tool_use block is tool call 1").isEqualTo(1);
        assertThat(second.path("function").path("name").asText()).isEqualTo("time");
        assertThat(chunks.get(chunks.size() - 1).path("choices").get(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(chunks).hasSize(8); // role, text, call a, 2 fragments (the empty one is dropped), call b, 1 fragment, finish
        assertThat(end.done()).isTrue();
        assertThat(end.frames()).as("no usage chunk unless the client asked").containsExactly("data: [DONE]\n\n");
        assertThat(s.outputTokens()).isEqualTo(30);
    }

    @ParameterizedTest(name = "stop_reason {0} -> finish_reason {1}")
    @CsvSource({ "end_turn, stop", "stop_sequence, stop", "max_tokens, length", "tool_use, tool_calls", "refusal, content_filter" })
    void stopReasons(String stopReason, String finishReason) throws Exception {
        AnthropicStream s = new AnthropicStream("route", false, mapper);
        List<JsonNode> chunks = run(s, "message_start", START,
                "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason + "\"},\"usage\":{\"output_tokens\":2}}");

        assertThat(chunks.get(1).path("choices").get(0).path("finish_reason").asText()).isEqualTo(finishReason);
    }

    @Test
    void anErrorEventIsReportedAndAnUnreadableEventToo() {
        AnthropicStream s = new AnthropicStream("route", false, mapper);

        StreamTranslator.Result error = s.onEvent("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
        StreamTranslator.Result garbage = s.onEvent("content_block_delta", "{not json");

        assertThat(error.error()).isEqualTo("overloaded_error: Overloaded");
        assertThat(error.frames()).isEmpty();
        assertThat(garbage.error()).contains("unreadable");
    }
}
