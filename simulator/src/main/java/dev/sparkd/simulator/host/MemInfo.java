package dev.sparkd.simulator.host;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * {@code /proc/meminfo} of a simulated host. On GB10 this is the only place GPU memory use shows up (nvidia-smi prints
 * {@code [N/A]}; tools such as nvtop compute used = MemTotal − MemAvailable), so running engines' memory is taken out
 * of MemFree/MemAvailable here. On a discrete box engines only cost a little host RAM each.
 *
 * <p>Layout: the kernel's fixed-column lines (fs/proc/meminfo.c), the common x86/arm64 field set in kernel
 * order. Values other than MemTotal/MemFree/MemAvailable/Buffers/Cached are fixed, plausible figures.
 */
public final class MemInfo {
    /** What an idle DGX OS install uses (desktop, docker, page cache floor). */
    static final long BASELINE_USED_KIB = 4_718_592;
    /** Host RAM an engine process costs on a discrete box (Python, tokenizer, pinned buffers). */
    static final long DISCRETE_ENGINE_HOST_KIB = 3_145_728;
    static final long CACHED_KIB = 2_621_440;
    static final long BUFFERS_KIB = 131_072;

    private final GpuProfile profile;
    private final Gpu gpu;
    private long extraUsedKiB;
    private final List<LongSupplier> resident = new CopyOnWriteArrayList<>();

    public MemInfo(GpuProfile profile, Gpu gpu) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.gpu = Objects.requireNonNull(gpu, "gpu");
    }

    /** Extra host memory in use (a test filling the page cache, a CPU-side process); may be negative to free some. */
    public synchronized void setExtraUsedBytes(long bytes) {
        this.extraUsedKiB = bytes / 1024;
    }

    /** Memory something else holds while it runs (an Ollama runner's model); counted on unified memory only. */
    public void addResident(LongSupplier bytes) {
        resident.add(bytes);
    }

    public long totalKiB() {
        return profile.hostMemoryKiB();
    }

    public synchronized long availableKiB() {
        long used = BASELINE_USED_KIB + extraUsedKiB;
        if (profile.unifiedMemory()) {
            used += gpu.usedBytes() / 1024;
            used += resident.stream().mapToLong(LongSupplier::getAsLong).sum() / 1024;
        } else {
            used += gpu.processes().size() * DISCRETE_ENGINE_HOST_KIB;
        }
        return Math.max(totalKiB() / 100, totalKiB() - used);
    }

    /** The file's text, one {@code Key:   value kB} line per field, newline-terminated. */
    public String text() {
        long total = totalKiB();
        long available = availableKiB();
        long free = Math.max(0, available - CACHED_KIB - BUFFERS_KIB);
        Map<String, Long> f = new LinkedHashMap<>();
        f.put("MemTotal", total);
        f.put("MemFree", free);
        f.put("MemAvailable", available);
        f.put("Buffers", BUFFERS_KIB);
        f.put("Cached", CACHED_KIB);
        f.put("SwapCached", 0L);
        f.put("Active", (total - free) / 3);
        f.put("Inactive", CACHED_KIB / 2);
        f.put("Active(anon)", (total - available) / 2);
        f.put("Inactive(anon)", 0L);
        f.put("Active(file)", CACHED_KIB / 2);
        f.put("Inactive(file)", CACHED_KIB / 2);
        f.put("Unevictable", 0L);
        f.put("Mlocked", 0L);
        f.put("SwapTotal", 16_777_212L);
        f.put("SwapFree", 16_777_212L);
        f.put("Zswap", 0L);
        f.put("Zswapped", 0L);
        f.put("Dirty", 412L);
        f.put("Writeback", 0L);
        f.put("AnonPages", (total - available) / 2);
        f.put("Mapped", 524_288L);
        f.put("Shmem", 65_536L);
        f.put("KReclaimable", 262_144L);
        f.put("Slab", 524_288L);
        f.put("SReclaimable", 262_144L);
        f.put("SUnreclaim", 262_144L);
        f.put("KernelStack", 24_576L);
        f.put("PageTables", 65_536L);
        f.put("SecPageTables", 0L);
        f.put("NFS_Unstable", 0L);
        f.put("Bounce", 0L);
        f.put("WritebackTmp", 0L);
        f.put("CommitLimit", total / 2 + 16_777_212L);
        f.put("Committed_AS", (total - available) + 2_097_152L);
        f.put("VmallocTotal", 133_141_626_880L);
        f.put("VmallocUsed", 98_304L);
        f.put("VmallocChunk", 0L);
        f.put("Percpu", 12_288L);
        f.put("HardwareCorrupted", 0L);
        f.put("AnonHugePages", 0L);
        f.put("ShmemHugePages", 0L);
        f.put("ShmemPmdMapped", 0L);
        f.put("FileHugePages", 0L);
        f.put("FilePmdMapped", 0L);
        f.put("CmaTotal", 0L);
        f.put("CmaFree", 0L);
        StringBuilder out = new StringBuilder();
        f.forEach((k, v) -> out.append(line(k, v)).append(" kB\n"));
        out.append(line("HugePages_Total", 0)).append('\n');
        out.append(line("HugePages_Free", 0)).append('\n');
        out.append(line("HugePages_Rsvd", 0)).append('\n');
        out.append(line("HugePages_Surp", 0)).append('\n');
        out.append(line("Hugepagesize", 2048)).append(" kB\n");
        out.append(line("Hugetlb", 0)).append(" kB\n");
        return out.toString();
    }

    /**
     * The kernel pads the label to 16 columns and prints the number at least 8 wide, so numbers end in column 24;
     * the few longer labels ({@code HardwareCorrupted:}) are followed by one space and a 5-wide number.
     */
    private static String line(String key, long value) {
        String label = key + ":";
        return label.length() <= 16 ? String.format("%-16s%8d", label, value) : label + " " + String.format("%5d", value);
    }
}
