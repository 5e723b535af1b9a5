package dev.sparkd.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code [services.<name>]}: one model server or endpoint.
 *
 * @param host        the {@code [hosts.*]} entry it runs on; absent for cloud providers and bare URLs
 * @param baseUri     where to reach it, e.g. {@code http://192.168.1.50:11434}
 * @param model       the model a vLLM/llama.cpp server is expected to serve
 * @param startGrace  how long a closed port counts as "loading" after start rather than "down"
 * @param container   the Docker container that runs it (vLLM), if any
 * @param provider    for {@code openai} kind: openai | openrouter | anthropic | compatible
 * @param apiKey      by reference: a cloud provider's key, or the key a local model server requires (vLLM
 *                    {@code --api-key}, llama.cpp {@code --api-key}, an Ollama behind an authenticating proxy); the
 *                    router and the health-agent send it as {@code Authorization: Bearer}, a swap hands it to vLLM as
 *                    {@code VLLM_API_KEY}
 * @param conditions  for {@code http} kind: Gatus-style conditions such as {@code [STATUS] == 200}
 * @param timeout     per-request timeout for probes
 * @param local       prompts sent here stay on hardware the operator controls (model servers; {@code compatible} with
 *                    {@code local = true}); local-only routes, keys and requests use only such services
 * @param tls         how an {@code https} base URI's certificate is trusted (the JVM's CAs unless a CA file or a pin)
 */
public record ServiceDef(String name, ServiceKind kind, Optional<String> host, URI baseUri, Optional<String> model,
        Duration startGrace, Optional<String> container, Optional<String> provider, Optional<SecretRef> apiKey,
        List<String> conditions, Duration timeout, boolean local, TlsTrust tls) {

    /** True for services that cost money per token and may receive prompts only under policy. */
    public boolean isCloud() {
        return kind == ServiceKind.OPENAI && !provider.orElse("openai").equals("compatible");
    }
}
