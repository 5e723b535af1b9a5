package dev.sparkd.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.simulator.generation.TextGenerator;
import java.util.List;

/**
 * The parts of an OpenAI-style chat or completion request a simulated model needs. Unknown fields (vLLM's
 * {@code top_k}, {@code min_p}, {@code chat_template_kwargs}, …) are accepted and ignored, as the real servers do.
 *
 * @param prompt       what the answer is generated from: the last user message, or the completion prompt
 * @param promptTokens tokens of everything sent (all messages), the usage's {@code prompt_tokens}
 * @param maxTokens    {@code max_completion_tokens} or {@code max_tokens}; 0 = unlimited
 */
public record ChatRequest(String model, String prompt, int promptTokens, int maxTokens, boolean stream,
                          boolean includeUsage, ObjectNode body) {

    /** Parses {@code /v1/chat/completions}; throws {@link IllegalArgumentException} with a client-facing message. */
    public static ChatRequest chat(ObjectNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray()) {
            throw new IllegalArgumentException("Field required: messages");
        }
        StringBuilder all = new StringBuilder();
        String lastUser = "";
        for (JsonNode m : messages) {
            String text = content(m.get("content"));
            all.append(text).append('\n');
            if ("user".equals(m.path("role").asText())) {
                lastUser = text;
            }
        }
        return new ChatRequest(body.path("model").asText(null), lastUser, TextGenerator.countTokens(all.toString()),
                maxTokens(body), body.path("stream").asBoolean(false),
                body.path("stream_options").path("include_usage").asBoolean(false), body);
    }

    /** Parses {@code /v1/completions}: {@code prompt} is a string or a list of strings (the first is used). */
    public static ChatRequest completion(ObjectNode body) {
        JsonNode p = body.get("prompt");
        if (p == null || p.isNull()) {
            throw new IllegalArgumentException("Field required: prompt");
        }
        String prompt = p.isArray() ? (p.isEmpty() ? "" : p.get(0).asText()) : p.asText();
        return new ChatRequest(body.path("model").asText(null), prompt, TextGenerator.countTokens(prompt), maxTokens(body),
                body.path("stream").asBoolean(false), body.path("stream_options").path("include_usage").asBoolean(false), body);
    }

    /** The generated answer, deterministic for a prompt. */
    public List<String> tokens() {
        return TextGenerator.tokens(prompt, maxTokens);
    }

    public String finishReason() {
        return TextGenerator.finishReason(prompt, maxTokens);
    }

    /** A message's {@code content}: a string, or the text parts of a content-part array. */
    public static String content(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode part : content) {
                if (part.has("text")) {
                    b.append(part.get("text").asText());
                }
            }
            return b.toString();
        }
        return content.asText();
    }

    private static int maxTokens(ObjectNode body) {
        JsonNode n = body.has("max_completion_tokens") && !body.get("max_completion_tokens").isNull()
                ? body.get("max_completion_tokens") : body.get("max_tokens");
        return n == null || n.isNull() ? 0 : n.asInt();
    }
}
