package dev.sparkd.simulator.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything one simulator process runs: the control port, the simulated registries and the Sparks with their
 * services. Immutable; read from TOML by {@link SimConfigLoader}.
 *
 * @param bind          address every simulated port binds to (default 127.0.0.1)
 * @param controlPort   the {@code /_sim} control API port (0 = ephemeral)
 * @param ollamaLibrary the simulated Ollama registry: name with tag → model
 * @param vllmModels    models a vLLM can serve: Hugging Face id → model
 */
public record SimConfig(String bind, int controlPort, Map<String, OllamaModelSpec> ollamaLibrary,
                        Map<String, VllmModelSpec> vllmModels, List<SparkConfig> sparks) {

    public static SimConfig load(Path file) throws IOException {
        return SimConfigLoader.parse(Files.readString(file), file.toString());
    }

    public static SimConfig parse(String toml) {
        return SimConfigLoader.parse(toml, "<string>");
    }
}
