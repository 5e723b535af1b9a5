package dev.sparkd.simulator;

import dev.sparkd.simulator.cloud.AnthropicCloudServer;
import dev.sparkd.simulator.cloud.CloudProvider;
import dev.sparkd.simulator.cloud.OpenAiCloudServer;
import java.nio.file.Path;

/**
 * One running simulated cloud provider and the key it accepts.
 *
 * @param name       {@code openai} or {@code anthropic} (the {@code [cloud.X]} table and the control API's name)
 * @param server     the running server: port, base URL, faults, request log
 * @param apiKey     the accepted key (tests present it; never logged)
 * @param apiKeyFile where that key is stored for clients to read, or null when it lives in memory only
 */
public record SimulatedCloud(String name, CloudProvider server, String apiKey, Path apiKeyFile) {

    public OpenAiCloudServer openAi() {
        return (OpenAiCloudServer) server;
    }

    public AnthropicCloudServer anthropic() {
        return (AnthropicCloudServer) server;
    }
}
