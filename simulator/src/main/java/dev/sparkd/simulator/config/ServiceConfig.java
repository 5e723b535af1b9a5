package dev.sparkd.simulator.config;

import dev.sparkd.simulator.fault.Fault;
import java.util.List;

/**
 * One simulated server on a Spark. Exactly one of {@code ollama}, {@code vllm}, {@code llamacpp} is set, matching {@code kind}.
 *
 * @param faults faults active from the start
 */
public record ServiceConfig(String name, ServiceKind kind, int port, String version, List<Fault> faults,
                            OllamaSettings ollama, VllmSettings vllm, LlamaCppSettings llamacpp) {
}
