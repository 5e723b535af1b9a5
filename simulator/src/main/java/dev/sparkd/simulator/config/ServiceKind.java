package dev.sparkd.simulator.config;

/** Which real server a simulated service imitates. */
public enum ServiceKind {
    OLLAMA, VLLM, LLAMACPP;

    public String wireName() {
        return WireNames.of(this);
    }

    public static ServiceKind parse(String text) {
        return WireNames.find(values(), text).orElseThrow(() ->
                new IllegalArgumentException("unknown kind '" + text + "' (expected ollama, vllm or llamacpp)"));
    }
}
