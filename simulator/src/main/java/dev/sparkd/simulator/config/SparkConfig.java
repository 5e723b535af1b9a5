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
 * @param cudaReserved memory CUDA does not report free on this host although /proc/meminfo shows it available
 *                     (GB10: an idle box shows about 102 GiB CUDA-free of 119.7 GiB); vLLM's start-up check sees the rest
 * @param images       docker images present at start; null = every image counts as present
 * @param imageSize    bytes of one image pull (vLLM images are 10–20 GB)
 * @param imagePullSpeed bytes per second of an image pull
 * @param hfDownloadSpeed bytes per second of a Hugging Face download into the host's cache ({@code vllmModels} are
 *                        cached at start; every other {@code [vllm.models]} entry is on the simulated Hub)
 */
public record SparkConfig(String name, String gpu, long diskTotal, long diskUsed, String modelsPath, SshConfig ssh,
                          List<String> vllmModels, List<ServiceConfig> services, long cudaReserved, List<String> images,
                          long imageSize, long imagePullSpeed, long hfDownloadSpeed) {

    public SparkConfig(String name, String gpu, long diskTotal, long diskUsed, String modelsPath, SshConfig ssh,
                       List<String> vllmModels, List<ServiceConfig> services, long cudaReserved, List<String> images,
                       long imageSize, long imagePullSpeed) {
        this(name, gpu, diskTotal, diskUsed, modelsPath, ssh, vllmModels, services, cudaReserved, images, imageSize,
                imagePullSpeed, 1_000_000_000L);
    }
}
