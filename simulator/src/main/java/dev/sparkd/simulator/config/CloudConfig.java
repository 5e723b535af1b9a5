package dev.sparkd.simulator.config;

import dev.sparkd.simulator.generation.Pace;
import java.nio.file.Path;
import java.util.List;

/**
 * A simulated cloud provider ({@code [cloud.openai]} or {@code [cloud.anthropic]}).
 *
 * @param provider     {@code openai} or {@code anthropic}
 * @param port         listening port on 127.0.0.1 (0 = ephemeral)
 * @param apiKeyFile   the one accepted key, read from this file; generated ({@code sk-sim-…}, mode 0600) when
 *                     missing. Null: a random key lives in memory only (tests read it from the Java API)
 * @param models       model ids the provider lists and accepts; empty = the provider's defaults
 * @param pace         time to first token and decode speed
 * @param rateLimitRpm requests per minute before 429s; 0 = unlimited
 */
public record CloudConfig(String provider, int port, Path apiKeyFile, List<String> models, Pace pace, int rateLimitRpm) {
    public static final List<String> PROVIDERS = List.of("openai", "anthropic");
}
