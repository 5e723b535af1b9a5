package dev.sparkd.core.ollama;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.OffsetDateTime;

/**
 * One loaded model from {@code GET /api/ps} (api/types.go {@code ProcessModelResponse}).
 *
 * @param name normal-form name
 * @param model same as name on current servers
 * @param size memory the loaded model takes, bytes
 * @param digest manifest digest
 * @param details format, family, parameter size, quantization
 * @param expiresAt when Ollama will unload it if idle
 * @param sizeVram the part of {@code size} in GPU memory; less than size means partly on CPU
 * @param contextLength context length it was loaded with (newer servers)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunningModel(
        @JsonProperty("name") String name,
        @JsonProperty("model") String model,
        @JsonProperty("size") long size,
        @JsonProperty("digest") String digest,
        @JsonProperty("details") ModelDetails details,
        @JsonProperty("expires_at") OffsetDateTime expiresAt,
        @JsonProperty("size_vram") long sizeVram,
        @JsonProperty("context_length") Integer contextLength) {

    /** Whether some of the model had to stay in CPU memory. */
    public boolean partlyOnCpu() {
        return sizeVram < size;
    }
}
