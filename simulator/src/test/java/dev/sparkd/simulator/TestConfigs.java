package dev.sparkd.simulator;

import dev.sparkd.simulator.config.SimConfig;

/** TOML snippets for the tests: ephemeral ports and fast paces so nothing waits longer than needed. */
final class TestConfigs {
    private TestConfigs() {
    }

    static final String FAST = """
            [simulator]
            default_ttft = "5ms"
            default_tokens_per_second = 500

            [ollama.library."llama3.1:8b"]
            load_delay = "20ms"

            [ollama.library."llama3.2:3b"]
            load_delay = "10ms"

            [vllm.models."test/tiny-chat"]
            load_delay = "400ms"
            max_model_len = 4096
            ttft = "5ms"
            tokens_per_second = 500

            [vllm.models."test/slow-chat"]
            load_delay = "100ms"
            max_model_len = 4096
            ttft = "50ms"
            tokens_per_second = 50
            """;

    /** A simulator on {@link #FAST} paces with {@code toml} (its services) added. */
    static Simulator fast(String toml) {
        return Simulator.start(SimConfig.parse(FAST + toml));
    }
}
