package dev.sparkd.router.anthropic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rebuilds Anthropic's named-event stream as OpenAI {@code chat.completion.chunk}s, one event at a time: text deltas,
 * tool calls (one OpenAI tool-call index per {@code tool_use} block, arguments as fragments), thinking as
 * {@code reasoning_content}, the stop reason as {@code finish_reason}, and the usage chunk when the client asked.
 * {@code ping} is dropped; an {@code error} event is reported to the caller. Frames are {@code data:} lines, and the
 * stream ends with {@code [DONE]}.
 */
public final class AnthropicStream extends StreamTranslator {
    private static final String DONE = "data: [DONE]\n\n";

    private final String requestedModel;
    private final boolean includeUsage;
    private final ObjectMapper mapper;
    private final Map<Integer, Integer> toolIndex = new HashMap<>();
    private String id = "chatcmpl-anthropic";
    private String model;
    private final long created = System.currentTimeMillis() / 1000;
    private long cacheRead;
    private String finish;

    public AnthropicStream(String requestedModel, boolean includeUsage, ObjectMapper mapper) {
        this.requestedModel = requestedModel;
        this.includeUsage = includeUsage;
        this.mapper = mapper;
        this.model = requestedModel;
    }

    @Override
    public Result onEvent(String name, String data) {
        JsonNode ev;
        try {
            ev = mapper.readTree(data);
        } catch (Exception e) {
            return new Result(List.of(), false, "unreadable event: " + name);
        }
        String type = ev.path("type").asText(name);
        switch (type) {
            case "message_start" -> {
                JsonNode m = ev.path("message");
                id = "chatcmpl-" + m.path("id").asText("anthropic");
                model = m.path("model").asText(requestedModel);
                JsonNode u = m.path("usage");
                cacheRead = u.path("cache_read_input_tokens").asLong(0);
                inputTokens = u.path("input_tokens").asLong(0) + cacheRead + u.path("cache_creation_input_tokens").asLong(0);
                outputTokens = u.path("output_tokens").asLong(0);
                ObjectNode delta = mapper.createObjectNode().put("role", "assistant").put("content", "");
                return one(chunk(delta, null));
            }
            case "content_block_start" -> {
                JsonNode block = ev.path("content_block");
                int index = ev.path("index").asInt();
                if ("tool_use".equals(block.path("type").asText())) {
                    int ti = toolIndex.size();
                    toolIndex.put(index, ti);
                    ObjectNode delta = mapper.createObjectNode();
                    ObjectNode call = delta.putArray("tool_calls").addObject();
                    call.put("index", ti).put("id", block.path("id").asText()).put("type", "function");
                    call.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
                    return one(chunk(delta, null));
                }
                if ("text".equals(block.path("type").asText()) && !block.path("text").asText("").isEmpty()) {
                    return one(chunk(mapper.createObjectNode().put("content", block.path("text").asText()), null));
                }
                return Result.NOTHING;
            }
            case "content_block_delta" -> {
                JsonNode d = ev.path("delta");
                switch (d.path("type").asText()) {
                    case "text_delta" -> {
                        return one(chunk(mapper.createObjectNode().put("content", d.path("text").asText()), null));
                    }
                    case "thinking_delta" -> {
                        return one(chunk(mapper.createObjectNode().put("reasoning_content", d.path("thinking").asText()), null));
                    }
                    case "input_json_delta" -> {
                        String part = d.path("partial_json").asText("");
                        Integer ti = toolIndex.get(ev.path("index").asInt());
                        if (ti == null || part.isEmpty()) {
                            return Result.NOTHING;
                        }
                        ObjectNode delta = mapper.createObjectNode();
                        delta.putArray("tool_calls").addObject().put("index", ti).putObject("function").put("arguments", part);
                        return one(chunk(delta, null));
                    }
                    default -> {
                        return Result.NOTHING;
                    }
                }
            }
            case "message_delta" -> {
                JsonNode u = ev.path("usage");
                if (u.has("output_tokens")) {
                    outputTokens = u.path("output_tokens").asLong(outputTokens); // cumulative
                }
                if (u.has("input_tokens")) {
                    inputTokens = u.path("input_tokens").asLong(0) + cacheRead + u.path("cache_creation_input_tokens").asLong(0);
                }
                String reason = ev.path("delta").path("stop_reason").asText(null);
                if (reason != null) {
                    finish = AnthropicTranslation.FINISH.getOrDefault(reason, "stop");
                    return one(chunk(mapper.createObjectNode(), finish));
                }
                return Result.NOTHING;
            }
            case "message_stop" -> {
                List<String> out = new ArrayList<>(1);
                if (includeUsage) {
                    ObjectNode c = base();
                    c.putArray("choices");
                    ObjectNode usage = c.putObject("usage");
                    usage.put("prompt_tokens", inputTokens).put("completion_tokens", outputTokens).put("total_tokens", inputTokens + outputTokens);
                    out.add(frame(c.toString()));
                }
                out.add(DONE);
                return new Result(out, true, null);
            }
            case "error" -> {
                JsonNode e = ev.path("error");
                return new Result(List.of(), false, e.path("type").asText("error") + ": " + e.path("message").asText(""));
            }
            default -> {
                return Result.NOTHING; // ping and future event types
            }
        }
    }

    private ObjectNode base() {
        ObjectNode c = mapper.createObjectNode();
        c.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
        return c;
    }

    private String chunk(ObjectNode delta, String finishReason) {
        ObjectNode c = base();
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return c.toString();
    }

    private static Result one(String chunk) {
        return new Result(List.of(frame(chunk)), false, null);
    }

    private static String frame(String json) {
        return "data: " + json + "\n\n";
    }
}
