package dev.sparkd.simulator.ollama;

import dev.sparkd.simulator.config.OllamaModelSpec;
import dev.sparkd.simulator.config.SimConfigLoader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code registry.ollama.ai} offers one simulated Ollama. Changeable at run time so tests can publish
 * "a newer version of a tag" (new weights, new digest) and watch an auto-updater pick it up.
 */
public final class OllamaRegistry {
    private final Map<String, OllamaModelSpec> models = new LinkedHashMap<>();

    public OllamaRegistry(Map<String, OllamaModelSpec> library) {
        models.putAll(library);
    }

    public synchronized Optional<OllamaModelSpec> find(String name) {
        return Optional.ofNullable(models.get(SimConfigLoader.normalise(name)));
    }

    /** Adds a model, or moves an existing tag to new content. */
    public synchronized void publish(OllamaModelSpec spec) {
        models.put(SimConfigLoader.normalise(spec.name()), spec);
    }

    /** Moves {@code name} to its next revision (new weights and digest), optionally with a new size. */
    public synchronized OllamaModelSpec publishNewRevision(String name, Long newSize) {
        OllamaModelSpec current = models.get(SimConfigLoader.normalise(name));
        if (current == null) {
            throw new IllegalArgumentException("no model '" + name + "' in the registry");
        }
        OllamaModelSpec next = current.withRevision(current.revision() + 1, newSize == null ? current.size() : newSize);
        models.put(next.name(), next);
        return next;
    }

    public synchronized Map<String, OllamaModelSpec> all() {
        return Map.copyOf(models);
    }
}
