package dev.sparkd.core.ollama;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The {@code details} object of {@code /api/tags}, {@code /api/ps} and {@code /api/show}
 * (ollama/ollama api/types.go {@code ModelDetails}).
 *
 * @param parentModel model this one was created from, often empty
 * @param format weight format, e.g. {@code gguf}
 * @param family architecture family, e.g. {@code llama}
 * @param families all families, may be {@code null}
 * @param parameterSize human-readable size, e.g. {@code 3.2B}
 * @param quantizationLevel e.g. {@code Q4_K_M}
 * @param contextLength context length when reported (newer servers)
 * @param embeddingLength embedding length when reported (newer servers)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelDetails(
        @JsonProperty("parent_model") String parentModel,
        @JsonProperty("format") String format,
        @JsonProperty("family") String family,
        @JsonProperty("families") List<String> families,
        @JsonProperty("parameter_size") String parameterSize,
        @JsonProperty("quantization_level") String quantizationLevel,
        @JsonProperty("context_length") Integer contextLength,
        @JsonProperty("embedding_length") Integer embeddingLength) {
}
