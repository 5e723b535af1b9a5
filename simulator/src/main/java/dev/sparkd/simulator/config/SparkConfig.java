package dev.sparkd.simulator.config;

import java.util.List;

/**
 * One simulated DGX Spark.
 *
 * @param gpu        GPU model name, e.g. {@code gb10}
 * @param diskTotal  size of the models file system
 * @param diskUsed   bytes already used on it at start (besides pre-pulled models)
 * @param modelsPath where models live ({@code df} reports this mount)
 * @param ssh        SSH endpoint, or null when the spark has none
 * @param vllmModels ids from {@code [vllm.models]} this host has in its Hugging Face cache
 */
public record SparkConfig(String name, String gpu, long diskTotal, long diskUsed, String modelsPath, SshConfig ssh,
                          List<String> vllmModels, List<ServiceConfig> services) {
}
