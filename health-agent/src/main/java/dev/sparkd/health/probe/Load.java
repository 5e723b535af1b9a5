package dev.sparkd.health.probe;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Live load figures read while probing; {@code null} means "this server does not report it" — never 0.
 *
 * @param queueDepth      vLLM {@code num_requests_waiting}, llama.cpp {@code requests_deferred}
 * @param requestsRunning vLLM {@code num_requests_running}, llama.cpp busy slots
 * @param kvCacheUsage    vLLM KV-cache use 0..1 ({@code kv_cache_usage_perc} or the older {@code gpu_cache_usage_perc})
 * @param loadedModels    Ollama {@code /api/ps} names
 * @param loadedBytes     Ollama: sum of {@code size_vram} of loaded models
 * @param installedModels Ollama {@code /api/tags} count
 * @param servedModels    vLLM / llama.cpp / cloud {@code /v1/models} ids
 * @param slotsBusy       llama.cpp {@code /slots} processing
 * @param slotsTotal      llama.cpp {@code /slots} count
 * @param version         server version where it says
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Load(@JsonProperty("queue_depth") Double queueDepth, @JsonProperty("requests_running") Double requestsRunning,
        @JsonProperty("kv_cache_usage") Double kvCacheUsage, @JsonProperty("loaded_models") List<String> loadedModels,
        @JsonProperty("loaded_bytes") Long loadedBytes, @JsonProperty("installed_models") Integer installedModels,
        @JsonProperty("served_models") List<String> servedModels, @JsonProperty("slots_busy") Integer slotsBusy,
        @JsonProperty("slots_total") Integer slotsTotal, @JsonProperty("version") String version) {

    public static final Load NONE = new Load(null, null, null, null, null, null, null, null, null, null);
}
