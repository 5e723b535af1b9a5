package dev.sparkd.core.ollama;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A chat message in Ollama's native shape (api/types.go {@code Message}).
 *
 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool}
 * @param content text
 * @param thinking thinking text of reasoning models
 * @param images base64-encoded images
 * @param toolCalls tool calls requested by the model, kept as JSON
 * @param toolName for {@code tool} messages, which tool answered
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatMessage(
        @JsonProperty("role") String role,
        @JsonProperty("content") String content,
        @JsonProperty("thinking") String thinking,
        @JsonProperty("images") List<String> images,
        @JsonProperty("tool_calls") JsonNode toolCalls,
        @JsonProperty("tool_name") String toolName) {

    /** A plain text message. */
    public static ChatMessage of(String role, String content) {
        return new ChatMessage(role, content, null, null, null, null);
    }
}
