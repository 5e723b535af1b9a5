package dev.sparkd.simulator.host;

import java.util.Objects;

/**
 * What kind of GPU box a simulated host is. The two shapes differ where monitoring code most often goes wrong:
 * on a DGX Spark (GB10) CPU and GPU share one LPDDR5X pool, so {@code nvidia-smi} prints {@code [N/A]} for every
 * {@code memory.*} field and the truth lives in {@code /proc/meminfo}; on a discrete card the GPU has its own MiB
 * counters and the host memory is separate.
 *
 * @param name               what {@code nvidia-smi --query-gpu=name} prints
 * @param unifiedMemory      true on GB10: GPU memory is host memory, {@code memory.*} fields are {@code [N/A]}
 * @param gpuMemoryMiB       the card's own memory ({@code memory.total}); 0 when unified
 * @param hostMemoryKiB      {@code MemTotal} in {@code /proc/meminfo}
 * @param architecture       what {@code uname -m} prints
 * @param driverVersion      {@code driver_version}
 * @param powerLimitWatts    {@code power.limit}; {@code null} prints {@code [N/A]} (GB10 has no settable cap)
 * @param idlePowerWatts     {@code power.draw} at 0 % utilisation
 * @param maxPowerWatts      {@code power.draw} at 100 % utilisation
 * @param idleSmClockMHz     {@code clocks.sm} when idle
 * @param maxSmClockMHz      {@code clocks.max.sm}, and {@code clocks.sm} under full load
 * @param memClockMHz        {@code clocks.mem}
 */
public record GpuProfile(String name, boolean unifiedMemory, long gpuMemoryMiB, long hostMemoryKiB, String architecture,
                         String driverVersion, Double powerLimitWatts, double idlePowerWatts, double maxPowerWatts,
                         int idleSmClockMHz, int maxSmClockMHz, int memClockMHz) {

    /**
     * DGX Spark. Name, {@code [N/A]} memory fields, P8 idle at a few watts and the missing power cap follow the
     * nvidia-smi output quoted in NVIDIA/k8s-device-plugin#1482 and XuehaiPan/nvitop#208 (driver 580.x).
     * MemTotal is what a 128 GB Spark's kernel reports after firmware carve-outs (~119.7 GiB). Clock values are
     * plausible, not measured.
     */
    public static final GpuProfile GB10 = new GpuProfile("NVIDIA GB10", true, 0, 125_514_308L, "aarch64",
            "580.95.05", null, 4.0, 95.0, 208, 2418, 8533);

    /** A workstation card on an x86 box with 128 GiB of host RAM. */
    public static final GpuProfile DISCRETE = discrete("NVIDIA RTX 6000 Ada Generation", 49_140);

    public GpuProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(driverVersion, "driverVersion");
        if (unifiedMemory && gpuMemoryMiB != 0) {
            throw new IllegalArgumentException("a unified-memory GPU has no memory of its own");
        }
    }

    /** A discrete card named {@code name} with {@code memoryMiB} of its own memory (300 W cap, x86_64 host). */
    public static GpuProfile discrete(String name, long memoryMiB) {
        return new GpuProfile(name, false, memoryMiB, 131_858_108L, "x86_64", "580.95.05", 300.0, 22.0, 295.0,
                210, 2505, 10001);
    }

    /** The pool a model's weights and KV cache come from: the card's memory, or the whole host memory on GB10. */
    public long gpuPoolBytes() {
        return unifiedMemory ? hostMemoryKiB * 1024 : gpuMemoryMiB * 1024 * 1024;
    }
}
