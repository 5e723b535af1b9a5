package dev.sparkd.core.ollama;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Body of {@code POST /api/chat} (api/types.go {@code ChatRequest}); {@code stream} is set by the
 * client method used. Null fields are left out.
 *
 * @param model model name
 * @param messages the conversation; empty just loads (or, with keep_alive 0, unloads) the model
 * @param tools tool definitions, as JSON
 * @param format {@code "json"} or a JSON schema
 * @param options model parameters
 * @param keepAlive how long to keep the model loaded afterwards
 * @param think {@code true}/{@code false} or an effort level string
 */
public record ChatRequest(
        @JsonProperty("model") String model,
        @JsonProperty("messages") List<ChatMessage> messages,
        @JsonProperty("tools") JsonNode tools,
        @JsonProperty("format") JsonNode format,
        @JsonProperty("options") Map<String, Object> options,
        @JsonProperty("keep_alive") KeepAlive keepAlive,
        @JsonProperty("think") Object think) {

    /** Requires a model and a (possibly empty) message list. */
    public ChatRequest {
        Objects.requireNonNull(model, "model");
        messages = List.copyOf(messages == null ? List.of() : messages);
    }

    /** A conversation without extra settings. */
    public static ChatRequest of(String model, List<ChatMessage> messages) {
        return new ChatRequest(model, messages, null, null, null, null, null);
    }

    /** A copy with model parameters. */
    public ChatRequest withOptions(Map<String, Object> value) {
        return new ChatRequest(model, messages, tools, format, value, keepAlive, think);
    }

    /** A copy with a keep-alive. */
    public ChatRequest withKeepAlive(KeepAlive value) {
        return new ChatRequest(model, messages, tools, format, options, value, think);
    }
}
