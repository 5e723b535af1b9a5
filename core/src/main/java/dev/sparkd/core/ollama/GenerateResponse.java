package dev.sparkd.core.ollama;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.OffsetDateTime;

/**
 * One {@code /api/generate} response object: the whole answer, or one streamed chunk (api/types.go
 * {@code GenerateResponse}). Timing fields are present on the final ({@code done}) object only.
 *
 * @param model model name
 * @param createdAt server time of this object
 * @param response generated text (a fragment when streaming)
 * @param thinking thinking text of reasoning models, or {@code null}
 * @param done whether this is the last object
 * @param doneReason {@code stop}, {@code length}, {@code load}, {@code unload}, …
 * @param metrics the timing fields, read from this object's own level (zeros on non-final chunks)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GenerateResponse(
        @JsonProperty("model") String model,
        @JsonProperty("created_at") OffsetDateTime createdAt,
        @JsonProperty("response") String response,
        @JsonProperty("thinking") String thinking,
        @JsonProperty("done") boolean done,
        @JsonProperty("done_reason") String doneReason,
        @JsonUnwrapped GenerationMetrics metrics) {
}
