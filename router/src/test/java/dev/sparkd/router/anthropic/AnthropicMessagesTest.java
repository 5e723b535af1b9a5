package dev.sparkd.router.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Assistant turns of an Anthropic conversation, as an OpenAI-compatible backend receives them. */
class AnthropicMessagesTest {
    final ObjectMapper mapper = new ObjectMapper();

    @Test
    void assistantTurnsKeepTheirTextAndTheirToolCalls() throws Exception {
        JsonNode conversation = mapper.readTree("""
                {"messages":[
                  {"role":"user","content":"Weather in Paris and Rome?"},
                  {"role":"assistant","content":[
                    {"type":"text","text":"Checking."},
                    {"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Paris"}}]},
                  {"role":"assistant","content":[
                    {"type":"thinking","thinking":"hidden"},
                    {"type":"tool_use","id":"toolu_2","name":"weather","input":{"city":"Rome"}}]},
                  {"role":"assistant","content":"Done."}]}""");

        JsonNode messages = AnthropicMessages.request(conversation, "qwen3", false, true, mapper).path("messages");

        JsonNode withText = messages.get(1);
        assertThat(withText.path("role").asText()).isEqualTo("assistant");
        assertThat(withText.path("content").asText()).isEqualTo("Checking.");
        JsonNode call = withText.path("tool_calls").get(0);
        assertThat(call.path("id").asText()).isEqualTo("toolu_1");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("weather");
        assertThat(mapper.readTree(call.path("function").path("arguments").asText()).path("city").asText()).isEqualTo("Paris");

        JsonNode callsOnly = messages.get(2);
        assertThat(callsOnly.path("content").isNull()).as("no text: null content, as OpenAI sends it").isTrue();
        assertThat(callsOnly.path("tool_calls")).hasSize(1);
        assertThat(callsOnly.path("tool_calls").get(0).path("id").asText()).isEqualTo("toolu_2");

        assertThat(messages.get(3).path("content").asText()).isEqualTo("Done.");
        assertThat(messages.get(3).has("tool_calls")).isFalse();
    }
}
