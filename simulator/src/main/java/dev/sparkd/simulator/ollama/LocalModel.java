package dev.sparkd.simulator.ollama;

import dev.sparkd.simulator.config.OllamaModelSpec;
import java.time.Instant;

/** A model present on the simulated host: its name, the manifest it was pulled with, and when. */
public record LocalModel(String name, OllamaModelSpec spec, Manifest manifest, Instant modifiedAt) {
}
