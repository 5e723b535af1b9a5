package dev.sparkd.models.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.sparkd.core.config.DaemonSettings;
import dev.sparkd.core.config.Listen;
import dev.sparkd.core.config.SecretRef;

/**
 * {@code [models]}: the desired models per service. Scalar keys configure the daemon; each sub-table
 * {@code [models.<service>]} declares one Ollama or vLLM service's desired state.
 */
public record ModelsSettings(Listen listen, Duration reconcileInterval, String registry, Map<String, OllamaModels> ollama,
        Map<String, VllmCatalog> vllm, Duration operationsRetention) implements DaemonSettings {

    /** The catalog's Hugging Face tokens and env files: handed to containers, so listed for {@code sparkd check --credentials}. */
    @Override
    public List<SecretRef> secrets() {
        List<SecretRef> refs = new ArrayList<>();
        vllm.values().forEach(c -> c.catalog().values().forEach(e -> {
            e.hfToken().ifPresent(refs::add);
            e.envFile().map(SecretRef::file).ifPresent(refs::add);
        }));
        return refs;
    }

    /** Where Ollama itself pulls from; read for manifest digests (update detection) and sizes (disk guard). */
    public static final String DEFAULT_REGISTRY = "https://registry.ollama.ai";

    /** {@code [models.<ollama service>]}. */
    public record OllamaModels(String service, List<DeclaredModel> pull, boolean prune, long minFreeDisk, int maxParallelPulls,
            Optional<String> modelsDir) {
    }

    /** One model to keep: a plain name, or {@code { name, auto_update, verify_prompt }}. */
    public record DeclaredModel(String name, boolean autoUpdate, Optional<String> verifyPrompt) {
    }

    /**
     * {@code [models.<vllm service>]}: the models it may serve, and which one it should.
     *
     * @param publishAddress the host address the container's port is published on ({@code -p ADDR:PORT:8000}): the
     *                       host's own address by default, never all interfaces
     * @param minFreeDisk    what must stay free in the host's Hugging Face cache after a download
     */
    public record VllmCatalog(String service, String active, Map<String, CatalogEntry> catalog, String publishAddress,
            long minFreeDisk) {
    }

    /**
     * {@code [models.<vllm service>.catalog.<key>]}: everything needed to launch one model's container.
     *
     * @param hfToken      a Hugging Face token by reference ({@code hf_token_file}), for gated models
     * @param envFile      a file on the sparkd side of {@code NAME=value} lines for the container ({@code env_file}),
     *                     for values that must not be written inline
     * @param fetchTimeout how long the weights download may take, apart from {@code loadTimeout}
     */
    public record CatalogEntry(String key, String image, String model, List<String> args, Map<String, String> env,
            String container, int port, Duration loadTimeout, Optional<SecretRef> hfToken, Optional<Path> envFile,
            Duration fetchTimeout) {
    }
}
