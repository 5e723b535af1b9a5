package dev.sparkd.models.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A vLLM service as the swap page shows it: what it may serve, what it should, what it last served, and the swap now
 * running. Answered from memory: reading it starts no SSH command and no probe.
 */
public record VllmServiceView(String service, String host, String desired, @JsonProperty("last_serving") String lastServing,
        @JsonProperty("running_operation") String runningOperation, List<Choice> catalog) {

    /** One catalog entry. */
    public record Choice(String key, String model, String image, @JsonProperty("load_timeout_seconds") long loadTimeoutSeconds) {
    }
}
