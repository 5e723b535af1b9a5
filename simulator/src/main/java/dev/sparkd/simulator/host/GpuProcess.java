package dev.sparkd.simulator.host;

/** One line of {@code nvidia-smi --query-compute-apps}: a process holding GPU memory. */
public record GpuProcess(long pid, String processName, long usedBytes) {
    public long usedMiB() {
        return usedBytes / (1024 * 1024);
    }
}
