package dev.sparkd.core.ollama;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Body of {@code POST /api/generate} (api/types.go {@code GenerateRequest}); {@code stream} is set
 * by the client method used. Null fields are left out.
 *
 * @param model model name
 * @param prompt prompt; empty with no other input just loads (or, with keep_alive 0, unloads) the model
 * @param suffix text after the insertion point (fill-in-the-middle)
 * @param system system prompt override
 * @param format {@code "json"} or a JSON schema
 * @param options model parameters such as {@code temperature}, {@code num_predict}, {@code num_ctx}
 * @param keepAlive how long to keep the model loaded afterwards
 * @param raw whether to bypass the prompt template
 * @param think {@code true}/{@code false} or {@code "high"}/{@code "medium"}/{@code "low"}
 * @param images base64-encoded images for multimodal models
 */
public record GenerateRequest(
        @JsonProperty("model") String model,
        @JsonProperty("prompt") String prompt,
        @JsonProperty("suffix") String suffix,
        @JsonProperty("system") String system,
        @JsonProperty("format") JsonNode format,
        @JsonProperty("options") Map<String, Object> options,
        @JsonProperty("keep_alive") KeepAlive keepAlive,
        @JsonProperty("raw") Boolean raw,
        @JsonProperty("think") Object think,
        @JsonProperty("images") List<String> images) {

    /** Requires a model. */
    public GenerateRequest {
        Objects.requireNonNull(model, "model");
    }

    /** A plain prompt. */
    public static GenerateRequest of(String model, String prompt) {
        return new GenerateRequest(model, prompt, null, null, null, null, null, null, null, null);
    }

    /** A copy with model parameters. */
    public GenerateRequest withOptions(Map<String, Object> value) {
        return new GenerateRequest(model, prompt, suffix, system, format, value, keepAlive, raw, think, images);
    }

    /** A copy with a {@code think} value ({@code false}, {@code true}, or an effort such as {@code "low"}). */
    public GenerateRequest withThink(Object value) {
        return new GenerateRequest(model, prompt, suffix, system, format, options, keepAlive, raw, value, images);
    }

    /** A copy with a keep-alive. */
    public GenerateRequest withKeepAlive(KeepAlive value) {
        return new GenerateRequest(model, prompt, suffix, system, format, options, value, raw, think, images);
    }
}
