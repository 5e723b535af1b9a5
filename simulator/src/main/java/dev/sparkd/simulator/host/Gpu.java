package dev.sparkd.simulator.host;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live state of a host's single GPU: what {@code nvidia-smi} reads. Utilisation is set by whoever simulates load
 * (the HTTP side while it generates); temperature, power and clocks follow from it, with a small slow wobble so two
 * samples are rarely identical (as on real hardware) while staying plausible. The {@linkplain #setHot(boolean) hot
 * fault} pins the temperature near 95 °C and throttles the SM clock, with the thermal-slowdown reason bits set.
 *
 * <p>GPU processes are the running containers (a vLLM engine preallocates {@code --gpu-memory-utilization} of the
 * pool, default 0.9) plus any registered with {@link #addProcess}. Thread-safe.
 */
public final class Gpu {
    /** {@code clocks_event_reasons.active} bits (nvml.h): GpuIdle, SwThermalSlowdown, HwThermalSlowdown. */
    static final long REASON_GPU_IDLE = 0x1L;
    static final long REASON_SW_THERMAL = 0x20L;
    static final long REASON_HW_THERMAL = 0x40L;
    /** vLLM's default for {@code --gpu-memory-utilization}. */
    static final double VLLM_DEFAULT_MEMORY_FRACTION = 0.9;
    /** Where a GB10 sits when it thermally throttles. */
    public static final int DEFAULT_HOT_CELSIUS = 95;

    private final GpuProfile profile;
    private final Containers containers;
    private final Clock clock;
    private final String uuid;
    private final Map<Long, GpuProcess> extra = new LinkedHashMap<>();
    private final AtomicLong nextPid = new AtomicLong(4100);
    private int utilization;
    private boolean hot;
    private int hotCelsius = DEFAULT_HOT_CELSIUS;

    public Gpu(GpuProfile profile, Containers containers) {
        this(profile, containers, Clock.systemUTC(), "GPU-5e0a5b53-7c1f-4a2e-9d38-0b1c6a3f9e21");
    }

    public Gpu(GpuProfile profile, Containers containers, Clock clock, String uuid) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.containers = Objects.requireNonNull(containers, "containers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.uuid = Objects.requireNonNull(uuid, "uuid");
    }

    public GpuProfile profile() {
        return profile;
    }

    public String uuid() {
        return uuid;
    }

    public synchronized void setUtilization(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("utilization " + percent + " not in 0..100");
        }
        this.utilization = percent;
    }

    public synchronized int utilization() {
        return utilization;
    }

    /** The "hot" fault: temperature ~95 °C, SM clock throttled, thermal-slowdown reasons active. */
    public synchronized void setHot(boolean hot) {
        setHot(hot, DEFAULT_HOT_CELSIUS);
    }

    /** The "hot" fault at a chosen temperature (the control API's {@code gpu_hot} {@code celsius}). */
    public synchronized void setHot(boolean hot, int celsius) {
        this.hot = hot;
        this.hotCelsius = celsius;
    }

    public synchronized boolean isHot() {
        return hot;
    }

    /** Degrees Celsius, integer as nvidia-smi prints it. */
    public synchronized int temperature() {
        double base = hot ? hotCelsius : 36 + utilization * 0.38;
        return (int) Math.round(base + wobble(11_000, hot ? 0.8 : 1.5));
    }

    /** Watts, two decimals in output. */
    public synchronized double powerDraw() {
        double span = profile.maxPowerWatts() - profile.idlePowerWatts();
        double watts = profile.idlePowerWatts() + span * utilization / 100.0 + wobble(7_000, 0.4 + span * 0.01);
        return Math.max(0.5, watts);
    }

    public synchronized int smClock() {
        if (utilization == 0 && !hot) {
            return profile.idleSmClockMHz();
        }
        int target = hot ? (int) (profile.maxSmClockMHz() * 0.55) : profile.maxSmClockMHz();
        return target - (int) Math.abs(Math.round(wobble(5_000, 15)));
    }

    public int memClock() {
        return profile.memClockMHz();
    }

    /** {@code P8} idle, {@code P0} under load (the two states a GB10 shows in practice). */
    public synchronized String pstate() {
        return utilization == 0 && !hot ? "P8" : "P0";
    }

    /** {@code clocks_event_reasons.active}, as the 64-bit mask nvidia-smi prints in hex. */
    public synchronized long clockEventReasons() {
        if (hot) {
            return REASON_SW_THERMAL | REASON_HW_THERMAL;
        }
        return utilization == 0 ? REASON_GPU_IDLE : 0;
    }

    /** Registers a non-container GPU process (an Ollama runner, say); returns its pid. */
    public synchronized long addProcess(String processName, long usedBytes) {
        long pid = nextPid.getAndAdd(7);
        extra.put(pid, new GpuProcess(pid, processName, usedBytes));
        return pid;
    }

    public synchronized void removeProcess(long pid) {
        extra.remove(pid);
    }

    /** What {@code --query-compute-apps} lists: running containers' engines first, then registered processes. */
    public synchronized List<GpuProcess> processes() {
        List<GpuProcess> out = new ArrayList<>();
        for (Container c : containers.running()) {
            out.add(new GpuProcess(pidOf(c), processNameOf(c.spec()), memoryOf(c.spec())));
        }
        out.addAll(extra.values());
        return out;
    }

    public long usedBytes() {
        return processes().stream().mapToLong(GpuProcess::usedBytes).sum();
    }

    /** Bytes a container's engine holds: {@code --gpu-memory-utilization} (or vLLM's default 0.9) of the pool. */
    public long memoryOf(ContainerSpec spec) {
        double fraction = VLLM_DEFAULT_MEMORY_FRACTION;
        String value = ContainerSpec.option(spec.args(), "--gpu-memory-utilization");
        if (value != null) {
            try {
                fraction = Double.parseDouble(value);
            } catch (NumberFormatException ignored) {
                // vLLM itself would refuse to start; the backend reports that, memory stays at the default
            }
        }
        return (long) (profile.gpuPoolBytes() * Math.max(0, Math.min(1, fraction)));
    }

    /** A stable pid per container, so repeated samples agree. */
    static long pidOf(Container c) {
        return 10_000 + Math.floorMod(c.id().hashCode(), 900_000);
    }

    /** vLLM V1 runs the model in a child process titled {@code VLLM::EngineCore}; that is the one holding memory. */
    static String processNameOf(ContainerSpec spec) {
        String image = spec.image() == null ? "" : spec.image();
        boolean vllm = image.contains("vllm") || spec.args().contains("vllm");
        return vllm ? "VLLM::EngineCore" : "python3";
    }

    /** A slow sine wobble of ±{@code amplitude} with the given period: varies over time, never jumps. */
    private double wobble(long periodMillis, double amplitude) {
        double phase = (clock.millis() % periodMillis) / (double) periodMillis;
        return Math.sin(phase * 2 * Math.PI) * amplitude;
    }
}
