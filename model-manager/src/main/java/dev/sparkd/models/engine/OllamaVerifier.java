package dev.sparkd.models.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.sparkd.core.ollama.GenerateRequest;
import dev.sparkd.core.ollama.GenerateResponse;
import dev.sparkd.core.ollama.KeepAlive;
import dev.sparkd.core.ollama.ModelInfo;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A short, deterministic generation ({@code num_predict 8}, temperature 0, unloaded right after). Embedding-only models
 * (no {@code completion} capability) are checked by loading their metadata only.
 */
@ApplicationScoped
public class OllamaVerifier implements Verifier {
    static final String DEFAULT_PROMPT = "Reply with the single word OK.";
    private final Backends backends;

    public OllamaVerifier(Backends backends) {
        this.backends = backends;
    }

    @Override
    public Optional<String> verify(String service, String model, Optional<String> prompt) {
        try {
            ModelInfo info = backends.ollama(service).show(model).await().atMost(backends.tuning().verifyTimeout());
            List<String> caps = info.capabilities();
            if (caps != null && !caps.isEmpty() && !caps.contains("completion")) {
                return Optional.empty();
            }
            GenerateResponse r = backends.ollama(service).generate(GenerateRequest.of(model, prompt.orElse(DEFAULT_PROMPT))
                    .withOptions(Map.of("num_predict", 8, "temperature", 0)).withKeepAlive(KeepAlive.unloadNow()))
                    .await().atMost(backends.tuning().verifyTimeout().plusSeconds(5));
            if (r.response() == null || r.response().isBlank()) {
                return Optional.of("the test generation returned no text");
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("the test generation failed: " + e.getMessage());
        }
    }
}
