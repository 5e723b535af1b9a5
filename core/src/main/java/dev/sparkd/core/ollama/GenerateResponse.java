package dev.sparkd.core.ollama;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
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
 * @param totalDuration ns
 * @param loadDuration ns
 * @param promptEvalCount tokens
 * @param promptEvalDuration ns
 * @param evalCount tokens
 * @param evalDuration ns
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GenerateResponse(
        @JsonProperty("model") String model,
        @JsonProperty("created_at") OffsetDateTime createdAt,
        @JsonProperty("response") String response,
        @JsonProperty("thinking") String thinking,
        @JsonProperty("done") boolean done,
        @JsonProperty("done_reason") String doneReason,
        @JsonProperty("total_duration") Long totalDuration,
        @JsonProperty("load_duration") Long loadDuration,
        @JsonProperty("prompt_eval_count") Long promptEvalCount,
        @JsonProperty("prompt_eval_duration") Long promptEvalDuration,
        @JsonProperty("eval_count") Long evalCount,
        @JsonProperty("eval_duration") Long evalDuration) {

    /** The timing block (zeros on non-final chunks). */
    public GenerationMetrics metrics() {
        return GenerationMetrics.of(totalDuration, loadDuration, promptEvalCount, promptEvalDuration, evalCount, evalDuration);
    }
}
