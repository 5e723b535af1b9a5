package dev.sparkd.core.ollama;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One installed model from {@code GET /api/tags} (api/types.go {@code ListModelResponse}).
 *
 * @param name normal-form name, e.g. {@code llama3.2:latest}
 * @param model same as name on current servers
 * @param modifiedAt when the model was last pulled or created
 * @param size total size of its blobs in bytes
 * @param digest hex SHA-256 of the local manifest: changes when a re-pull brought a new version
 * @param details format, family, parameter size, quantization
 * @param remoteModel set for cloud models
 * @param remoteHost set for cloud models
 * @param capabilities e.g. {@code completion}, {@code tools}, {@code embedding}, when reported
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LocalModel(
        @JsonProperty("name") String name,
        @JsonProperty("model") String model,
        @JsonProperty("modified_at") OffsetDateTime modifiedAt,
        @JsonProperty("size") long size,
        @JsonProperty("digest") String digest,
        @JsonProperty("details") ModelDetails details,
        @JsonProperty("remote_model") String remoteModel,
        @JsonProperty("remote_host") String remoteHost,
        @JsonProperty("capabilities") List<String> capabilities) {
}
