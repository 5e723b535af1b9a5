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
 * A short, deterministic generation (temperature 0, unloaded right after). Embedding-only models (no {@code completion}
 * capability) are checked by loading their metadata only. Thinking models (qwen3, gpt-oss) think by default and spend
 * {@code num_predict} on it, so thinking is turned down as far as the model allows and the budget leaves room for the
 * answer; a model that only got to think still counts as answering.
 */
@ApplicationScoped
public class OllamaVerifier implements Verifier {
    static final String DEFAULT_PROMPT = "Reply with the single word OK.";
    /** Tokens for a thinking model: its (shortened) thinking and the answer share {@code num_predict}. */
    static final int THINKING_BUDGET = 256;
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
            Object think = info.leastThinking();
            GenerateResponse r = backends.ollama(service).generate(GenerateRequest.of(model, prompt.orElse(DEFAULT_PROMPT))
                    .withOptions(Map.of("num_predict", think == null ? 8 : THINKING_BUDGET, "temperature", 0))
                    .withThink(think).withKeepAlive(KeepAlive.unloadNow()))
                    .await().atMost(backends.tuning().verifyTimeout().plusSeconds(5));
            boolean answered = r.response() != null && !r.response().isBlank();
            boolean thought = r.thinking() != null && !r.thinking().isBlank() && r.metrics().evalCount() > 0;
            if (!answered && !thought) {
                return Optional.of("the test generation returned no text");
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("the test generation failed: " + e.getMessage());
        }
    }
}
