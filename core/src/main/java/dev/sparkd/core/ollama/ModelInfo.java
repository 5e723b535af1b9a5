package dev.sparkd.core.ollama;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * What {@code POST /api/show} says about a model (api/types.go {@code ShowResponse}); note it
 * carries no digest, use {@code /api/tags} for that.
 *
 * @param license license text
 * @param modelfile generated Modelfile
 * @param parameters default parameters, one per line
 * @param template prompt template
 * @param system default system prompt
 * @param details format, family, parameter size, quantization
 * @param modelInfo GGUF metadata such as {@code general.architecture}, {@code llama.context_length}
 * @param capabilities {@code completion}, {@code tools}, {@code insert}, {@code vision},
 *     {@code embedding}, {@code thinking}, …
 * @param modifiedAt when the model was last modified
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelInfo(
        @JsonProperty("license") String license,
        @JsonProperty("modelfile") String modelfile,
        @JsonProperty("parameters") String parameters,
        @JsonProperty("template") String template,
        @JsonProperty("system") String system,
        @JsonProperty("details") ModelDetails details,
        @JsonProperty("model_info") JsonNode modelInfo,
        @JsonProperty("capabilities") List<String> capabilities,
        @JsonProperty("modified_at") OffsetDateTime modifiedAt) {

    /** Whether {@code /api/show} lists the capability (e.g. {@code "embedding"}). */
    public boolean has(String capability) {
        return capabilities != null && capabilities.contains(capability);
    }

    /**
     * The {@code think} value that thinks least: null for a model without the {@code thinking} capability (Ollama
     * rejects {@code think} there), {@code "low"} for gpt-oss (family {@code gptoss} ignores {@code false}), else
     * {@code false}. Ollama turns thinking on by default and counts it against {@code num_predict} (routes.go).
     */
    public Object leastThinking() {
        if (!has("thinking")) {
            return null;
        }
        return details != null && "gptoss".equals(details.family()) ? "low" : Boolean.FALSE;
    }
}
