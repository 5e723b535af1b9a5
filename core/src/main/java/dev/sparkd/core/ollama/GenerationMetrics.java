package dev.sparkd.core.ollama;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.OptionalDouble;

/**
 * The timing block of the final {@code /api/generate} or {@code /api/chat} response (api/types.go
 * {@code Metrics}; all durations in nanoseconds on the wire). Read from the response object's own level, where Ollama
 * puts these fields; non-final chunks carry none and read as zeros.
 *
 * @param totalDuration whole request
 * @param loadDuration loading the model (0 when it was already loaded)
 * @param promptEvalCount prompt tokens evaluated
 * @param promptEvalDuration prompt evaluation time
 * @param evalCount tokens generated
 * @param evalDuration generation time
 */
public record GenerationMetrics(Duration totalDuration, Duration loadDuration, long promptEvalCount,
                                Duration promptEvalDuration, long evalCount, Duration evalDuration) {

    /** Builds from the nullable wire fields (absent ones become zero). */
    @JsonCreator
    static GenerationMetrics of(@JsonProperty("total_duration") Long total, @JsonProperty("load_duration") Long load,
                                @JsonProperty("prompt_eval_count") Long promptCount,
                                @JsonProperty("prompt_eval_duration") Long promptDuration,
                                @JsonProperty("eval_count") Long count, @JsonProperty("eval_duration") Long duration) {
        return new GenerationMetrics(nanos(total), nanos(load), promptCount == null ? 0 : promptCount,
                nanos(promptDuration), count == null ? 0 : count, nanos(duration));
    }

    /** Generation speed, {@code eval_count / eval_duration}, as the Ollama docs define it. */
    public OptionalDouble tokensPerSecond() {
        return evalDuration.isZero() ? OptionalDouble.empty()
                : OptionalDouble.of(evalCount * 1e9 / evalDuration.toNanos());
    }

    private static Duration nanos(Long value) {
        return value == null ? Duration.ZERO : Duration.ofNanos(value);
    }
}
