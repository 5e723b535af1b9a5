package dev.sparkd.core.ollama;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.OptionalDouble;

/**
 * One NDJSON line of {@code POST /api/pull} (api/types.go {@code ProgressResponse}): statuses run
 * {@code pulling manifest}, {@code pulling <digest>} with byte counts, {@code verifying sha256
 * digest}, {@code writing manifest}, optionally {@code removing unused layers}, {@code success}.
 *
 * @param status what the server is doing
 * @param digest the layer being downloaded, or {@code null}
 * @param total layer size in bytes, or {@code null}
 * @param completed bytes of the layer already present, or {@code null} (absent until some arrived)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PullProgress(
        @JsonProperty("status") String status,
        @JsonProperty("digest") String digest,
        @JsonProperty("total") Long total,
        @JsonProperty("completed") Long completed) {

    /** Whether this is the final {@code success} line. */
    public boolean success() {
        return "success".equals(status);
    }

    /** Share of the current layer already downloaded, when the line has byte counts. */
    public OptionalDouble fraction() {
        if (total == null || total <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Math.min(1.0, (completed == null ? 0 : completed) / (double) total));
    }
}
