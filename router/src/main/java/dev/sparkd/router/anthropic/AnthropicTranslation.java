package dev.sparkd.router.anthropic;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI Chat Completions ↔ Anthropic Messages (API version 2023-06-01), the non-streaming half: system and
 * developer messages become {@code system}, tool calls become {@code tool_use} blocks, tool results become
 * {@code tool_result} blocks in a user turn, {@code stop} becomes {@code stop_sequences}; on the way back
 * {@code stop_reason} becomes {@code finish_reason} and usage is renamed (cache reads count as prompt tokens,
 * as OpenAI counts them).
 */
public final class AnthropicTranslation {
    public static final int DEFAULT_MAX_TOKENS = 4096;

    /**
     * Anthropic {@code stop_reason} ↔ OpenAI {@code finish_reason}, one table for both directions: every row maps
     * Anthropic to OpenAI; the first row naming an OpenAI reason is its way back.
     */
    private static final String[][] STOP_REASONS = {
            {"end_turn", "stop"}, {"max_tokens", "length"}, {"tool_use", "tool_calls"}, {"refusal", "content_filter"},
            {"stop_sequence", "stop"}, {"pause_turn", "stop"}, {"tool_use", "function_call"}};
    static final Map<String, String> FINISH = new HashMap<>();
    static final Map<String, String> STOP = new HashMap<>();

    static {
        for (String[] row : STOP_REASONS) {
            FINISH.putIfAbsent(row[0], row[1]);
            STOP.putIfAbsent(row[1], row[0]);
        }
    }

    private AnthropicTranslation() {
    }

    public static ObjectNode request(ObjectNode openAi, String model, boolean stream, ObjectMapper mapper) throws Exception {
        ObjectNode out = mapper.createObjectNode();
        out.put("model", model);
        long maxTokens = openAi.path("max_completion_tokens").asLong(openAi.path("max_tokens").asLong(DEFAULT_MAX_TOKENS));
        out.put("max_tokens", maxTokens);
        StringBuilder system = new StringBuilder();
        ArrayNode messages = out.putArray("messages");
        for (JsonNode m : openAi.path("messages")) {
            String role = m.path("role").asText();
            switch (role) {
                case "system", "developer" -> {
                    if (system.length() > 0) {
                        system.append("\n\n");
                    }
                    system.append(text(m.path("content")));
                }
                case "tool" -> {
                    ObjectNode block = mapper.createObjectNode();
                    block.put("type", "tool_result");
                    block.put("tool_use_id", m.path("tool_call_id").asText());
                    block.put("content", text(m.path("content")));
                    append(messages, "user", block, mapper);
                }
                case "assistant" -> {
                    ArrayNode blocks = contentBlocks(m.path("content"), mapper);
                    for (JsonNode call : m.path("tool_calls")) {
                        ObjectNode use = blocks.addObject();
                        use.put("type", "tool_use");
                        use.put("id", call.path("id").asText());
                        use.put("name", call.path("function").path("name").asText());
                        String args = call.path("function").path("arguments").asText("{}");
                        use.set("input", args.isBlank() ? mapper.createObjectNode() : mapper.readTree(args));
                    }
                    for (JsonNode b : blocks) {
                        append(messages, "assistant", (ObjectNode) b, mapper);
                    }
                }
                default -> {
                    for (JsonNode b : contentBlocks(m.path("content"), mapper)) {
                        append(messages, "user", (ObjectNode) b, mapper);
                    }
                }
            }
        }
        if (system.length() > 0) {
            out.put("system", system.toString());
        }
        copy(openAi, out, "temperature", "temperature");
        copy(openAi, out, "top_p", "top_p");
        copy(openAi, out, "top_k", "top_k");
        JsonNode stop = openAi.path("stop");
        if (stop.isTextual()) {
            out.putArray("stop_sequences").add(stop.asText());
        } else if (stop.isArray()) {
            out.set("stop_sequences", stop);
        }
        if (openAi.path("tools").isArray() && openAi.path("tools").size() > 0) {
            ArrayNode tools = out.putArray("tools");
            for (JsonNode t : openAi.path("tools")) {
                JsonNode f = t.path("function");
                ObjectNode tool = tools.addObject();
                tool.put("name", f.path("name").asText());
                if (f.hasNonNull("description")) {
                    tool.put("description", f.path("description").asText());
                }
                tool.set("input_schema", f.has("parameters") ? f.get("parameters") : mapper.createObjectNode().put("type", "object"));
            }
        }
        JsonNode choice = openAi.path("tool_choice");
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "required" -> out.putObject("tool_choice").put("type", "any");
                case "none" -> out.putObject("tool_choice").put("type", "none");
                default -> out.putObject("tool_choice").put("type", "auto");
            }
        } else if (choice.isObject()) {
            out.putObject("tool_choice").put("type", "tool").put("name", choice.path("function").path("name").asText());
        }
        if (openAi.hasNonNull("user")) {
            out.putObject("metadata").put("user_id", openAi.get("user").asText());
        }
        if (stream) {
            out.put("stream", true);
        }
        return out;
    }

    /** Anthropic wants alternating turns: consecutive blocks of one role go into one message. */
    private static void append(ArrayNode messages, String role, ObjectNode block, ObjectMapper mapper) {
        JsonNode last = messages.size() > 0 ? messages.get(messages.size() - 1) : null;
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("content")).add(block);
            return;
        }
        ObjectNode m = messages.addObject();
        m.put("role", role);
        m.putArray("content").add(block);
    }

    private static ArrayNode contentBlocks(JsonNode content, ObjectMapper mapper) {
        ArrayNode blocks = mapper.createArrayNode();
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                blocks.addObject().put("type", "text").put("text", content.asText());
            }
        } else if (content.isArray()) {
            for (JsonNode part : content) {
                String type = part.path("type").asText();
                if ("text".equals(type)) {
                    blocks.addObject().put("type", "text").put("text", part.path("text").asText());
                } else if ("image_url".equals(type)) {
                    String url = part.path("image_url").path("url").asText();
                    ObjectNode img = blocks.addObject().put("type", "image");
                    ObjectNode src = img.putObject("source");
                    if (url.startsWith("data:")) {
                        int semi = url.indexOf(';');
                        int comma = url.indexOf(',');
                        src.put("type", "base64").put("media_type", url.substring(5, semi)).put("data", url.substring(comma + 1));
                    } else {
                        src.put("type", "url").put("url", url);
                    }
                }
            }
        }
        return blocks;
    }

    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder b = new StringBuilder();
        for (JsonNode part : content) {
            if (part.has("text")) {
                b.append(part.path("text").asText());
            }
        }
        return b.toString();
    }

    private static void copy(JsonNode from, ObjectNode to, String src, String dst) {
        if (from.hasNonNull(src)) {
            to.set(dst, from.get(src));
        }
    }

    /** A Messages API answer as a {@code chat.completion}. */
    public static ObjectNode response(JsonNode msg, String requestedModel, ObjectMapper mapper) {
        ObjectNode out = mapper.createObjectNode();
        out.put("id", "chatcmpl-" + msg.path("id").asText());
        out.put("object", "chat.completion");
        out.put("created", System.currentTimeMillis() / 1000);
        out.put("model", msg.path("model").asText(requestedModel));
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        assistantContent(msg.path("content"), message, mapper);
        message.putNull("refusal");
        choice.put("finish_reason", FINISH.getOrDefault(msg.path("stop_reason").asText(), "stop"));
        out.set("usage", usage(msg.path("usage"), mapper));
        return out;
    }

    /**
     * Anthropic content blocks as an OpenAI assistant message's {@code content} (the text blocks joined; null when there
     * are only tool calls) and {@code tool_calls} (one function call per {@code tool_use} block); other blocks are
     * dropped. Both ways use it: an answer's content, and the assistant turns of a Messages request's history.
     */
    static void assistantContent(JsonNode blocks, ObjectNode message, ObjectMapper mapper) {
        StringBuilder text = new StringBuilder();
        ArrayNode calls = null;
        for (JsonNode block : blocks) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> {
                    if (calls == null) {
                        calls = mapper.createArrayNode();
                    }
                    ObjectNode call = calls.addObject();
                    call.put("id", block.path("id").asText());
                    call.put("type", "function");
                    call.putObject("function").put("name", block.path("name").asText()).put("arguments", block.path("input").toString());
                }
                default -> {
                }
            }
        }
        if (text.length() > 0 || calls == null) {
            message.put("content", text.toString());
        } else {
            message.putNull("content");
        }
        if (calls != null) {
            message.set("tool_calls", calls);
        }
    }

    static ObjectNode usage(JsonNode u, ObjectMapper mapper) {
        long cacheRead = u.path("cache_read_input_tokens").asLong(0);
        long prompt = u.path("input_tokens").asLong(0) + cacheRead + u.path("cache_creation_input_tokens").asLong(0);
        long completion = u.path("output_tokens").asLong(0);
        ObjectNode out = mapper.createObjectNode();
        out.put("prompt_tokens", prompt);
        out.put("completion_tokens", completion);
        out.put("total_tokens", prompt + completion);
        if (cacheRead > 0) {
            out.putObject("prompt_tokens_details").put("cached_tokens", cacheRead);
        }
        return out;
    }
}
