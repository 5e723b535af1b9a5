package dev.sparkd.simulator.config;

import dev.sparkd.simulator.generation.Pace;
import java.time.Duration;

/**
 * A model a simulated vLLM can serve (the host's Hugging Face cache, in effect).
 *
 * @param id          the Hugging Face id, e.g. {@code Qwen/Qwen2.5-7B-Instruct}
 * @param loadDelay   weights + profiling + CUDA graphs: the port stays closed this long after start
 * @param maxModelLen default {@code --max-model-len}
 * @param pace        generation speed
 */
public record VllmModelSpec(String id, Duration loadDelay, int maxModelLen, Pace pace) {
}
