package dev.sparkd.core.ollama;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.OffsetDateTime;

/**
 * One {@code /api/chat} response object: the whole answer or one streamed chunk (api/types.go
 * {@code ChatResponse}). Timing fields are present on the final ({@code done}) object only.
 *
 * @param model model name
 * @param createdAt server time of this object
 * @param message the assistant message (a fragment when streaming)
 * @param done whether this is the last object
 * @param doneReason {@code stop}, {@code length}, {@code load}, {@code unload}, …
 * @param metrics the timing fields, read from this object's own level (zeros on non-final chunks)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatResponse(
        @JsonProperty("model") String model,
        @JsonProperty("created_at") OffsetDateTime createdAt,
        @JsonProperty("message") ChatMessage message,
        @JsonProperty("done") boolean done,
        @JsonProperty("done_reason") String doneReason,
        @JsonUnwrapped GenerationMetrics metrics) {
}
