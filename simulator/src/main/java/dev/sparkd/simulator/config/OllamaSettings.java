package dev.sparkd.simulator.config;

import java.time.Duration;
import java.util.List;

/**
 * Settings of a simulated Ollama.
 *
 * @param models             models already pulled when the simulator starts
 * @param pullBytesPerSecond download speed of a pull (so a 5 GB pull takes seconds in tests)
 * @param keepAlive          default keep_alive ({@code OLLAMA_KEEP_ALIVE}, upstream default 5m)
 */
public record OllamaSettings(List<String> models, long pullBytesPerSecond, Duration keepAlive) {
}
