package dev.sparkd.router.anthropic;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Anthropic Messages (API version 2023-06-01) → OpenAI Chat Completions, for Anthropic clients served by an
 * OpenAI-compatible backend; the reverse of {@link AnthropicTranslation}, with the same stop-reason table. Top-level
 * {@code system} becomes the first message, {@code tool_use} blocks become {@code tool_calls}, {@code tool_result}
 * blocks become {@code tool} messages, images become {@code image_url} parts (base64 as data URLs); the answer comes
 * back as a Message with text and {@code tool_use} blocks, {@code stop_reason} and usage.
 */
public final class AnthropicMessages {
    private AnthropicMessages() {
    }

    /**
     * The OpenAI chat request for an Anthropic one.
     *
     * @param samplingExtras whether to pass {@code top_k} (vLLM, llama.cpp and Ollama take it; OpenAI itself refuses it)
     */
    public static ObjectNode request(JsonNode msg, String model, boolean stream, boolean samplingExtras, ObjectMapper mapper) {
        ObjectNode out = mapper.createObjectNode();
        out.put("model", model);
        ArrayNode messages = out.putArray("messages");
        JsonNode system = msg.path("system");
        String systemText = system.isTextual() ? system.asText() : joinText(system);
        if (!systemText.isEmpty()) {
            messages.addObject().put("role", "system").put("content", systemText);
        }
        for (JsonNode m : msg.path("messages")) {
            if ("assistant".equals(m.path("role").asText())) {
                assistant(m.path("content"), messages, mapper);
            } else {
                user(m.path("content"), messages, mapper);
            }
        }
        if (msg.has("max_tokens")) {
            out.set("max_tokens", msg.get("max_tokens"));
        }
        copy(msg, out, "temperature");
        copy(msg, out, "top_p");
        if (samplingExtras) {
            copy(msg, out, "top_k");
        }
        if (msg.path("stop_sequences").isArray() && !msg.path("stop_sequences").isEmpty()) {
            out.set("stop", msg.get("stop_sequences"));
        }
        ArrayNode tools = mapper.createArrayNode();
        for (JsonNode t : msg.path("tools")) {
            // server tools (web search, code execution, …) run at Anthropic: a local model cannot call them
            if (t.has("input_schema")) {
                ObjectNode f = tools.addObject().put("type", "function").putObject("function");
                f.put("name", t.path("name").asText());
                if (t.hasNonNull("description")) {
                    f.put("description", t.path("description").asText());
                }
                f.set("parameters", t.get("input_schema"));
            }
        }
        if (!tools.isEmpty()) {
            out.set("tools", tools);
            JsonNode choice = msg.path("tool_choice");
            switch (choice.path("type").asText("auto")) {
                case "any" -> out.put("tool_choice", "required");
                case "none" -> out.put("tool_choice", "none");
                case "tool" -> out.putObject("tool_choice").put("type", "function").putObject("function")
                        .put("name", choice.path("name").asText());
                default -> out.put("tool_choice", "auto");
            }
            if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
                out.put("parallel_tool_calls", false);
            }
        }
        if (msg.path("metadata").hasNonNull("user_id")) {
            out.put("user", msg.path("metadata").path("user_id").asText());
        }
        if (stream) {
            out.put("stream", true);
            out.putObject("stream_options").put("include_usage", true);
        }
        return out;
    }

    /** A user turn: its tool results first (they answer the assistant turn just before), then the rest as one message. */
    private static void user(JsonNode content, ArrayNode messages, ObjectMapper mapper) {
        if (content.isTextual()) {
            messages.addObject().put("role", "user").put("content", content.asText());
            return;
        }
        ArrayNode parts = mapper.createArrayNode();
        boolean images = false;
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "tool_result" -> {
                    JsonNode c = block.path("content");
                    String text = c.isTextual() ? c.asText() : joinText(c);
                    if (block.path("is_error").asBoolean(false)) {
                        text = "Error: " + text;
                    }
                    messages.addObject().put("role", "tool").put("tool_call_id", block.path("tool_use_id").asText()).put("content", text);
                }
                case "text" -> parts.addObject().put("type", "text").put("text", block.path("text").asText());
                case "image" -> {
                    JsonNode src = block.path("source");
                    String url = "base64".equals(src.path("type").asText())
                            ? "data:" + src.path("media_type").asText() + ";base64," + src.path("data").asText()
                            : src.path("url").asText();
                    parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
                    images = true;
                }
                default -> {
                    // thinking, documents, server tool results: nothing a chat-completions backend reads
                }
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        ObjectNode m = messages.addObject().put("role", "user");
        if (images) {
            m.set("content", parts);
        } else {
            m.put("content", joinText(parts));
        }
    }

    private static void assistant(JsonNode content, ArrayNode messages, ObjectMapper mapper) {
        ObjectNode m = mapper.createObjectNode().put("role", "assistant");
        if (content.isTextual()) {
            messages.add(m.put("content", content.asText()));
            return;
        }
        AnthropicTranslation.assistantContent(content, m, mapper);
        messages.add(m);
    }

    /** The text blocks of a content array, one after another (blank line between). */
    private static String joinText(JsonNode blocks) {
        StringBuilder b = new StringBuilder();
        for (JsonNode block : blocks) {
            if (block.has("text")) {
                if (b.length() > 0) {
                    b.append("\n\n");
                }
                b.append(block.path("text").asText());
            }
        }
        return b.toString();
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        if (from.hasNonNull(field)) {
            to.set(field, from.get(field));
        }
    }

    /** An OpenAI {@code chat.completion} as an Anthropic Message, named after the route the client asked for. */
    public static ObjectNode response(JsonNode completion, String requestedModel, ObjectMapper mapper) {
        ObjectNode out = mapper.createObjectNode();
        out.put("id", messageId(completion.path("id").asText("")));
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", requestedModel);
        ArrayNode content = out.putArray("content");
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        String text = message.path("content").asText("");
        if (!text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode use = content.addObject().put("type", "tool_use").put("id", call.path("id").asText());
            use.put("name", call.path("function").path("name").asText());
            use.set("input", arguments(call.path("function").path("arguments").asText(""), mapper));
        }
        stopReason(out, choice.path("finish_reason").asText("stop"), choice.path("stop_reason"));
        out.set("usage", usage(completion.path("usage"), mapper));
        return out;
    }

    /** {@code msg_…}: the upstream's id without OpenAI's prefix, or a fresh one. */
    static String messageId(String upstreamId) {
        String bare = upstreamId.startsWith("chatcmpl-") ? upstreamId.substring(9) : upstreamId;
        return "msg_" + (bare.isEmpty() ? UUID.randomUUID().toString().replace("-", "") : bare);
    }

    /**
     * Sets {@code stop_reason} and {@code stop_sequence}; vLLM names the stop string that ended the answer in the
     * choice's {@code stop_reason}, which makes a {@code stop} a {@code stop_sequence}.
     */
    static void stopReason(ObjectNode target, String finishReason, JsonNode vllmStop) {
        if ("stop".equals(finishReason) && vllmStop != null && vllmStop.isTextual()) {
            target.put("stop_reason", "stop_sequence");
            target.put("stop_sequence", vllmStop.asText());
            return;
        }
        target.put("stop_reason", AnthropicTranslation.STOP.getOrDefault(finishReason, "end_turn"));
        target.putNull("stop_sequence");
    }

    /** Tool arguments as an object; a model that wrote something else gets it back as the raw text. */
    static JsonNode arguments(String json, ObjectMapper mapper) {
        if (json.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode n = mapper.readTree(json);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (Exception e) {
            // fall through
        }
        return mapper.createObjectNode().put("raw_arguments", json);
    }

    /** OpenAI usage in Anthropic's terms: cached prompt tokens are reported apart from {@code input_tokens}. */
    static ObjectNode usage(JsonNode u, ObjectMapper mapper) {
        long cached = u.path("prompt_tokens_details").path("cached_tokens").asLong(0);
        ObjectNode out = mapper.createObjectNode();
        out.put("input_tokens", Math.max(0, u.path("prompt_tokens").asLong(0) - cached));
        out.put("cache_creation_input_tokens", 0);
        out.put("cache_read_input_tokens", cached);
        out.put("output_tokens", u.path("completion_tokens").asLong(0));
        return out;
    }
}
