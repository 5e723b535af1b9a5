package dev.sparkd.core.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry of {@code GET /v1/models}. {@code owned_by} tells servers apart: {@code vllm},
 * {@code llamacpp}, {@code library} (Ollama), {@code openai}, {@code system}, ….
 *
 * @param id the model id to put in requests
 * @param object always {@code model}
 * @param created creation time, epoch seconds
 * @param ownedBy owner
 * @param root vLLM: the base model
 * @param parent vLLM: the parent of a LoRA adapter
 * @param maxModelLen vLLM: context length
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelCard(
        @JsonProperty("id") String id,
        @JsonProperty("object") String object,
        @JsonProperty("created") Long created,
        @JsonProperty("owned_by") String ownedBy,
        @JsonProperty("root") String root,
        @JsonProperty("parent") String parent,
        @JsonProperty("max_model_len") Integer maxModelLen) {
}
