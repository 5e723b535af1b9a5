package dev.sparkd.simulator.config;

import java.util.Locale;

/** Which real server a simulated service imitates. */
public enum ServiceKind {
    OLLAMA, VLLM, LLAMACPP;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ServiceKind parse(String text) {
        for (ServiceKind k : values()) {
            if (k.wireName().equals(text)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown kind '" + text + "' (expected ollama, vllm or llamacpp)");
    }
}
