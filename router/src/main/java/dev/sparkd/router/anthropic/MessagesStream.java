package dev.sparkd.router.anthropic;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rebuilds an OpenAI {@code chat.completion.chunk} stream as Anthropic's named events: {@code message_start} on the
 * first chunk, a {@code text} block around text deltas and one {@code tool_use} block per tool call (its argument
 * fragments as {@code input_json_delta}), each opened with {@code content_block_start} and closed with
 * {@code content_block_stop}; the finish reason is held until {@code [DONE]} so the usage chunk after it goes into
 * {@code message_delta}, then {@code message_stop}. An error inside the stream is reported to the caller.
 */
public final class MessagesStream extends StreamTranslator {
    private final String requestedModel;
    private final ObjectMapper mapper;
    private boolean started;
    private int blocks;
    /** The open block: "text", "tool_use" or null. */
    private String open;
    private int openToolIndex = -1;
    private String finishReason;
    private JsonNode vllmStop;
    private long cachedTokens;

    public MessagesStream(String requestedModel, ObjectMapper mapper) {
        this.requestedModel = requestedModel;
        this.mapper = mapper;
    }

    @Override
    public Result onEvent(String name, String data) {
        List<String> out = new ArrayList<>(3);
        if ("[DONE]".equals(data)) {
            start(out, null);
            close(out);
            ObjectNode delta = mapper.createObjectNode().put("type", "message_delta");
            AnthropicMessages.stopReason(delta.putObject("delta"), finishReason == null ? "stop" : finishReason, vllmStop);
            ObjectNode usage = delta.putObject("usage");
            usage.put("input_tokens", inputTokens - cachedTokens).put("cache_read_input_tokens", cachedTokens)
                    .put("output_tokens", outputTokens);
            out.add(event("message_delta", delta));
            out.add(event("message_stop", mapper.createObjectNode().put("type", "message_stop")));
            return new Result(out, true, null);
        }
        JsonNode chunk;
        try {
            chunk = mapper.readTree(data);
        } catch (Exception e) {
            return new Result(List.of(), false, "unreadable chunk");
        }
        // nested {"error":{…}} (vLLM 0.10.1+, llama.cpp, Ollama) or vLLM's flat {"object":"error",…} before 0.10.1
        if (chunk.has("error") || "error".equals(chunk.path("object").asText())) {
            JsonNode e = chunk.path("error").isObject() ? chunk.path("error") : chunk;
            return new Result(List.of(), false, e.path("message").asText(data));
        }
        start(out, chunk.path("id").asText(""));
        JsonNode usage = chunk.path("usage");
        if (usage.isObject()) {
            inputTokens = usage.path("prompt_tokens").asLong(inputTokens);
            cachedTokens = usage.path("prompt_tokens_details").path("cached_tokens").asLong(cachedTokens);
            outputTokens = usage.path("completion_tokens").asLong(outputTokens);
        }
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String text = delta.path("content").asText("");
        if (!text.isEmpty()) {
            if (!"text".equals(open)) {
                close(out);
                ObjectNode block = mapper.createObjectNode().put("type", "text").put("text", "");
                open(out, "text", block);
            }
            ObjectNode d = mapper.createObjectNode().put("type", "text_delta").put("text", text);
            out.add(delta(d));
        }
        for (JsonNode call : delta.path("tool_calls")) {
            int index = call.path("index").asInt(0);
            if (!"tool_use".equals(open) || index != openToolIndex) {
                close(out);
                ObjectNode block = mapper.createObjectNode().put("type", "tool_use").put("id", call.path("id").asText("toolu_" + blocks))
                        .put("name", call.path("function").path("name").asText(""));
                block.putObject("input");
                open(out, "tool_use", block);
                openToolIndex = index;
            }
            String args = call.path("function").path("arguments").asText("");
            if (!args.isEmpty()) {
                out.add(delta(mapper.createObjectNode().put("type", "input_json_delta").put("partial_json", args)));
            }
        }
        if (choice.hasNonNull("finish_reason")) {
            finishReason = choice.path("finish_reason").asText();
            vllmStop = choice.get("stop_reason");
        }
        return out.isEmpty() ? Result.NOTHING : new Result(out, false, null);
    }

    private void start(List<String> out, String upstreamId) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode ev = mapper.createObjectNode().put("type", "message_start");
        ObjectNode m = ev.putObject("message");
        m.put("id", AnthropicMessages.messageId(upstreamId == null ? "" : upstreamId)).put("type", "message").put("role", "assistant")
                .put("model", requestedModel);
        m.putArray("content");
        m.putNull("stop_reason");
        m.putNull("stop_sequence");
        // the prompt's size is known only from the usage chunk at the end: message_delta carries it
        m.putObject("usage").put("input_tokens", 0).put("output_tokens", 0);
        out.add(event("message_start", ev));
    }

    private void open(List<String> out, String type, ObjectNode block) {
        ObjectNode ev = mapper.createObjectNode().put("type", "content_block_start").put("index", blocks);
        ev.set("content_block", block);
        out.add(event("content_block_start", ev));
        open = type;
    }

    private void close(List<String> out) {
        if (open == null) {
            return;
        }
        out.add(event("content_block_stop", mapper.createObjectNode().put("type", "content_block_stop").put("index", blocks)));
        blocks++;
        open = null;
        openToolIndex = -1;
    }

    private String delta(ObjectNode d) {
        ObjectNode ev = mapper.createObjectNode().put("type", "content_block_delta").put("index", blocks);
        ev.set("delta", d);
        return event("content_block_delta", ev);
    }

    static String event(String name, JsonNode data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }
}
