package dev.sparkd.health.telemetry;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A host's telemetry from its last SSH round. Absent figures are null (never 0): on GB10 {@code nvidia-smi} reports
 * memory as {@code [N/A]}, so the GPU memory fields stay empty and {@code memory_*} comes from /proc/meminfo.
 *
 * @param ok     the round ran; otherwise {@code reason} says why (e.g. a wrong host key, with its fingerprint)
 * @param unifiedMemory GB10: GPU and CPU share the memory in {@code memory_*}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostStatus(@JsonProperty("name") String name, @JsonProperty("gpu_kind") String gpuKind,
        @JsonProperty("ok") boolean ok, @JsonProperty("reason") String reason, @JsonProperty("at") Instant at,
        @JsonProperty("gpu") Gpu gpu, @JsonProperty("unified_memory") Boolean unifiedMemory,
        @JsonProperty("memory_total_bytes") Long memoryTotalBytes, @JsonProperty("memory_available_bytes") Long memoryAvailableBytes,
        @JsonProperty("memory_used_bytes") Long memoryUsedBytes, @JsonProperty("gpu_process_memory_bytes") Long gpuProcessMemoryBytes,
        @JsonProperty("gpu_processes") Integer gpuProcesses, @JsonProperty("disks") List<Disk> disks,
        @JsonProperty("containers") Map<String, Container> containers) {

    public static HostStatus pending(String name, String gpuKind, String reason) {
        return new HostStatus(name, gpuKind, false, reason, null, null, null, null, null, null, null, null, List.of(), Map.of());
    }

    /** One {@code nvidia-smi --query-gpu} row; null where the driver said {@code [N/A]}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Gpu(@JsonProperty("name") String name, @JsonProperty("utilization_ratio") Double utilization,
            @JsonProperty("temperature_celsius") Double temperature, @JsonProperty("power_watts") Double power,
            @JsonProperty("sm_clock_hertz") Double smClock, @JsonProperty("memory_clock_hertz") Double memoryClock,
            @JsonProperty("memory_total_bytes") Long memoryTotal, @JsonProperty("memory_used_bytes") Long memoryUsed) {
    }

    /**
     * DOWN when the round failed, DEGRADED when a models directory is at or above {@code [health] disk_warning}, else UP.
     */
    @JsonProperty("state")
    public String state() {
        return !ok ? "DOWN" : warnings().isEmpty() ? "UP" : "DEGRADED";
    }

    /** What makes the host DEGRADED, one line each. */
    @JsonProperty("warnings")
    public List<String> warnings() {
        return disks == null ? List.of() : disks.stream().filter(Disk::warning)
                .map(d -> String.format(Locale.ROOT, "disk %s is %.0f%% full", d.path(), d.usedRatio() * 100)).toList();
    }

    /**
     * Free space of a declared models directory ({@code df --output=file,size,avail}).
     *
     * @param warning the file system is at least {@code [health] disk_warning} full
     */
    public record Disk(@JsonProperty("path") String path, @JsonProperty("size_bytes") long size, @JsonProperty("free_bytes") long free,
            @JsonProperty("warning") boolean warning) {

        @JsonProperty("used_ratio")
        public double usedRatio() {
            return size <= 0 ? 0 : (double) (size - free) / size;
        }

        /** This disk judged against a warning level (0..1 used). */
        public Disk assessed(double warningLevel) {
            return new Disk(path, size, free, size > 0 && usedRatio() >= warningLevel);
        }
    }

    /**
     * A declared container: docker's state word, when it started, and once it has exited, when, with which code and
     * why (the last error line of its log, else docker's own error).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Container(@JsonProperty("service") String service, @JsonProperty("state") String state,
            @JsonProperty("running") boolean running, @JsonProperty("started_at") Instant startedAt,
            @JsonProperty("exit_code") Integer exitCode, @JsonProperty("finished_at") Instant finishedAt,
            @JsonProperty("error") String error) {

        public static Container unknown(String service, String state) {
            return new Container(service, state, false, null, null, null, null);
        }

        /** Stopped by itself or by docker ({@code exited}, {@code dead}): its exit code says how it ended. */
        public boolean exited() {
            return !running && exitCode != null && ("exited".equals(state) || "dead".equals(state));
        }

        public Container withError(String why) {
            return new Container(service, state, running, startedAt, exitCode, finishedAt, why);
        }
    }
}
