package dev.sparkd.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What a {@code [services.<name>]} entry is, which decides how it is probed and talked to. */
public enum ServiceKind {
    OLLAMA(11434), VLLM(8000), LLAMACPP(8080), OPENAI(443), HTTP(80), TCP(0);

    private final int defaultPort;

    ServiceKind(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** A local model server (Ollama, vLLM, llama.cpp): the kinds that may require an API key of their own. */
    public boolean isModelServer() {
        return this == OLLAMA || this == VLLM || this == LLAMACPP;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(ServiceKind::key).toList();
    }

    public static ServiceKind of(String key) {
        return valueOf(key.toUpperCase(Locale.ROOT));
    }
}
