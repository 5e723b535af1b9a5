package dev.sparkd.router.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The request and response halves of the OpenAI ↔ Anthropic translation, feature by feature as docs/router.md lists them. */
class AnthropicTranslationTest {
    final ObjectMapper mapper = new ObjectMapper();

    ObjectNode openAi(String json) throws Exception {
        return (ObjectNode) mapper.readTree(json);
    }

    JsonNode request(String json) throws Exception {
        return mapper.readTree(mapper.writeValueAsString(AnthropicTranslation.request(openAi(json), "claude-x", false, mapper)));
    }

    @Test
    void systemAndDeveloperMessagesBecomeTheSystemPrompt() throws Exception {
        JsonNode out = request("""
                {"messages":[{"role":"system","content":"Be brief."},
                             {"role":"developer","content":[{"type":"text","text":"Answer in French."}]},
                             {"role":"user","content":"Hi"}]}""");

        assertThat(out.path("system").asText()).isEqualTo("Be brief.\n\nAnswer in French.");
        assertThat(out.path("messages")).hasSize(1);
        assertThat(out.path("messages").get(0).path("role").asText()).isEqualTo("user");
        assertThat(out.path("messages").get(0).path("content").get(0).path("text").asText()).isEqualTo("Hi");
        assertThat(out.path("model").asText()).isEqualTo("claude-x");
        assertThat(out.path("max_tokens").asLong()).as("Anthropic requires max_tokens").isEqualTo(AnthropicTranslation.DEFAULT_MAX_TOKENS);
        assertThat(out.has("stream")).isFalse();
    }

    @Test
    void toolDefinitionsCallsAndResultsTranslate() throws Exception {
        JsonNode out = request("""
                {"max_tokens":100,
                 "tools":[{"type":"function","function":{"name":"weather","description":"Weather now",
                           "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
                          {"type":"function","function":{"name":"time"}}],
                 "messages":[{"role":"user","content":"Weather in Paris?"},
                             {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                               "function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                             {"role":"tool","tool_call_id":"call_1","content":"18 C"},
                             {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"noon"}]}]}""");

        JsonNode tools = out.path("tools");
        assertThat(tools.get(0).path("name").asText()).isEqualTo("weather");
        assertThat(tools.get(0).path("description").asText()).isEqualTo("Weather now");
        assertThat(tools.get(0).path("input_schema").path("properties").has("city")).isTrue();
        assertThat(tools.get(1).path("input_schema").path("type").asText()).as("a tool without parameters").isEqualTo("object");

        JsonNode messages = out.path("messages");
        assertThat(messages).hasSize(3);
        JsonNode use = messages.get(1).path("content").get(0);
        assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
        assertThat(use.path("type").asText()).isEqualTo("tool_use");
        assertThat(use.path("id").asText()).isEqualTo("call_1");
        assertThat(use.path("name").asText()).isEqualTo("weather");
        assertThat(use.path("input").path("city").asText()).isEqualTo("Paris");
        // both tool results go into one user turn: Anthropic wants alternating roles
        JsonNode results = messages.get(2);
        assertThat(results.path("role").asText()).isEqualTo("user");
        assertThat(results.path("content")).hasSize(2);
        assertThat(results.path("content").get(0).path("type").asText()).isEqualTo("tool_result");
        assertThat(results.path("content").get(0).path("tool_use_id").asText()).isEqualTo("call_1");
        assertThat(results.path("content").get(0).path("content").asText()).isEqualTo("18 C");
        assertThat(results.path("content").get(1).path("content").asText()).isEqualTo("noon");
    }

    @Test
    void imagesBecomeBase64OrUrlSources() throws Exception {
        JsonNode out = request("""
                {"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                  {"type":"image_url","image_url":{"url":"https://example.org/cat.jpg"}}]}]}""");

        JsonNode content = out.path("messages").get(0).path("content");
        assertThat(content).hasSize(3);
        JsonNode inline = content.get(1).path("source");
        assertThat(content.get(1).path("type").asText()).isEqualTo("image");
        assertThat(inline.path("type").asText()).isEqualTo("base64");
        assertThat(inline.path("media_type").asText()).isEqualTo("image/png");
        assertThat(inline.path("data").asText()).isEqualTo("iVBORw0KGgo=");
        JsonNode linked = content.get(2).path("source");
        assertThat(linked.path("type").asText()).isEqualTo("url");
        assertThat(linked.path("url").asText()).isEqualTo("https://example.org/cat.jpg");
    }

    @ParameterizedTest(name = "tool_choice {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "\"required\"                                     | {\"type\":\"any\"}",
            "\"none\"                                         | {\"type\":\"none\"}",
            "\"auto\"                                         | {\"type\":\"auto\"}",
            "{\"type\":\"function\",\"function\":{\"name\":\"weather\"}} | {\"type\":\"tool\",\"name\":\"weather\"}" })
    void toolChoice(String openAiChoice, String anthropicChoice) throws Exception {
        JsonNode out = request("{\"tool_choice\":" + openAiChoice + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

        assertThat(out.path("tool_choice")).isEqualTo(mapper.readTree(anthropicChoice));
    }

    @Test
    void stopSamplingAndUserCarryOver() throws Exception {
        JsonNode one = request("{\"stop\":\"END\",\"temperature\":0.2,\"top_p\":0.9,\"user\":\"u-1\",\"max_completion_tokens\":7,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        JsonNode many = request("{\"stop\":[\"A\",\"B\"],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

        assertThat(one.path("stop_sequences")).isEqualTo(mapper.readTree("[\"END\"]"));
        assertThat(many.path("stop_sequences")).isEqualTo(mapper.readTree("[\"A\",\"B\"]"));
        assertThat(one.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(one.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(one.path("metadata").path("user_id").asText()).isEqualTo("u-1");
        assertThat(one.path("max_tokens").asLong()).isEqualTo(7);
        assertThat(AnthropicTranslation.request(openAi("{\"messages\":[]}"), "m", true, mapper).path("stream").asBoolean()).isTrue();
    }

    @ParameterizedTest(name = "stop_reason {0} -> finish_reason {1}")
    @CsvSource({ "end_turn, stop", "stop_sequence, stop", "max_tokens, length", "tool_use, tool_calls", "refusal, content_filter",
            "pause_turn, stop", "something_new, stop" })
    void stopReasons(String stopReason, String finishReason) throws Exception {
        JsonNode out = AnthropicTranslation.response(mapper.readTree("{\"id\":\"msg_1\",\"model\":\"claude-x\",\"stop_reason\":\"" + stopReason
                + "\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}"), "route", mapper);

        assertThat(out.path("choices").get(0).path("finish_reason").asText()).isEqualTo(finishReason);
    }

    @Test
    void aResponseWithToolUseAndCachedUsage() throws Exception {
        JsonNode out = AnthropicTranslation.response(mapper.readTree("""
                {"id":"msg_9","model":"claude-x","stop_reason":"tool_use",
                 "content":[{"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Paris"}}],
                 "usage":{"input_tokens":10,"cache_read_input_tokens":90,"cache_creation_input_tokens":5,"output_tokens":12}}"""),
                "route", mapper);

        assertThat(out.path("id").asText()).isEqualTo("chatcmpl-msg_9");
        assertThat(out.path("object").asText()).isEqualTo("chat.completion");
        JsonNode message = out.path("choices").get(0).path("message");
        assertThat(message.path("content").isNull()).as("only tool calls: content is null, as OpenAI sends it").isTrue();
        JsonNode call = message.path("tool_calls").get(0);
        assertThat(call.path("id").asText()).isEqualTo("toolu_1");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("weather");
        assertThat(mapper.readTree(call.path("function").path("arguments").asText()).path("city").asText()).isEqualTo("Paris");
        JsonNode usage = out.path("usage");
        assertThat(usage.path("prompt_tokens").asLong()).as("cache reads count as prompt tokens, as OpenAI counts them").isEqualTo(105);
        assertThat(usage.path("completion_tokens").asLong()).isEqualTo(12);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(117);
        assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(90);
    }
}
