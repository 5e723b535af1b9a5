package dev.sparkd.simulator.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything one simulator process runs: the control port, the simulated registries, the Sparks with their
 * services and SSH endpoints, the cloud providers, and the client credentials it hands out. Immutable; read from
 * TOML by {@link SimConfigLoader}. Relative paths in the TOML are resolved against the config file's directory.
 *
 * @param bind          address every simulated HTTP port binds to (default 127.0.0.1; SSH and cloud are loopback only)
 * @param controlPort   the {@code /_sim} control API port (0 = ephemeral)
 * @param ollamaLibrary the simulated Ollama registry: name with tag → model
 * @param vllmModels    models a vLLM can serve: Hugging Face id → model
 * @param clientKey     where the SSH client key lives (generated when missing, added to every authorized_keys); null = none
 * @param knownHosts    the known_hosts file the simulator writes its hosts' keys to; null = none
 * @param clouds        simulated cloud providers
 */
public record SimConfig(String bind, int controlPort, Map<String, OllamaModelSpec> ollamaLibrary,
                        Map<String, VllmModelSpec> vllmModels, List<SparkConfig> sparks, Path clientKey,
                        Path knownHosts, List<CloudConfig> clouds) {

    public static SimConfig load(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        return SimConfigLoader.parse(Files.readString(file), file.toString(), dir);
    }

    /** Relative paths are resolved against the working directory. */
    public static SimConfig parse(String toml) {
        return parse(toml, Path.of("").toAbsolutePath());
    }

    /** Relative paths are resolved against {@code baseDir} (what a config file's directory is to {@link #load}). */
    public static SimConfig parse(String toml, Path baseDir) {
        return SimConfigLoader.parse(toml, "<string>", baseDir);
    }
}
