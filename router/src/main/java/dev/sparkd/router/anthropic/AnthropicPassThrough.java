package dev.sparkd.router.anthropic;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An Anthropic event stream for an Anthropic client: every event goes on as it came (named, same data), while the
 * usage is noted for the ledger, {@code message_stop} completes the stream and an {@code error} event is reported.
 */
public final class AnthropicPassThrough extends StreamTranslator {
    private final ObjectMapper mapper;
    private long input;
    private long cacheRead;
    private long cacheCreation;

    public AnthropicPassThrough(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public Result onEvent(String name, String data) {
        String type = name;
        if ("message_start".equals(name) || "message_delta".equals(name) || "error".equals(name) || name == null) {
            JsonNode ev;
            try {
                ev = mapper.readTree(data);
            } catch (Exception e) {
                return new Result(List.of(), false, "unreadable event: " + name);
            }
            type = ev.path("type").asText(name);
            JsonNode u = "message_start".equals(type) ? ev.path("message").path("usage") : ev.path("usage");
            input = u.path("input_tokens").asLong(input);
            cacheRead = u.path("cache_read_input_tokens").asLong(cacheRead);
            cacheCreation = u.path("cache_creation_input_tokens").asLong(cacheCreation);
            inputTokens = input + cacheRead + cacheCreation;
            outputTokens = u.path("output_tokens").asLong(outputTokens); // cumulative in message_delta
            if ("error".equals(type)) {
                JsonNode e = ev.path("error");
                return new Result(List.of(), false, e.path("type").asText("error") + ": " + e.path("message").asText(""));
            }
        }
        String frame = "event: " + type + "\ndata: " + data + "\n\n";
        return new Result(List.of(frame), "message_stop".equals(type), null);
    }
}
