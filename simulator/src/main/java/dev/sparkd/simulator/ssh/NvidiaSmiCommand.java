package dev.sparkd.simulator.ssh;

import dev.sparkd.simulator.host.Gpu;
import dev.sparkd.simulator.host.GpuProcess;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code nvidia-smi} in its scripting form: {@code --query-gpu=…} and {@code --query-compute-apps=…} with
 * {@code --format=csv[,noheader][,nounits]}, plus a short summary table for a bare {@code nvidia-smi}.
 *
 * <p>Output rules (driver 580 as quoted in the research notes): values are joined with {@code ", "}; the header names
 * each field by its canonical name (an alias such as {@code clocks.sm} prints {@code clocks.current.sm}, and the old
 * {@code clocks_throttle_reasons.*} prints {@code clocks_event_reasons.*}) followed by {@code " [unit]"}, and keeps
 * that unit even with {@code nounits}; without {@code nounits} numbers carry the unit ({@code "11.17 W"}); fields the
 * device cannot report print {@code [N/A]} (every {@code memory.*} field on GB10). An unknown field prints
 * {@code Field "x" is not a valid field to query.} and a blank line on stdout and exits 2.
 */
final class NvidiaSmiCommand {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSS");
    static final String NA = "[N/A]";

    /** One queryable field: canonical name, unit (null for none) and how to read it; null value means [N/A]. */
    private record Field<T>(String name, String unit, Function<T, String> value) {
    }

    private final Gpu gpu;
    private final Map<String, Field<Gpu>> gpuFields = new LinkedHashMap<>();
    private final Map<String, Field<GpuProcess>> appFields = new LinkedHashMap<>();

    NvidiaSmiCommand(Gpu gpu) {
        this.gpu = gpu;
        boolean unified = gpu.profile().unifiedMemory();
        gpuField("timestamp", null, g -> LocalDateTime.now().format(TIMESTAMP));
        gpuField("driver_version", null, g -> g.profile().driverVersion());
        gpuField("count", null, g -> "1");
        gpuField("index", null, g -> "0");
        gpuField("name", null, g -> g.profile().name(), "gpu_name");
        gpuField("serial", null, g -> "1655123009817", "gpu_serial");
        gpuField("uuid", null, Gpu::uuid, "gpu_uuid");
        gpuField("pci.bus_id", null, g -> unified ? "0000000F:01:00.0" : "00000000:01:00.0", "gpu_bus_id");
        gpuField("persistence_mode", null, g -> "Enabled");
        gpuField("compute_mode", null, g -> "Default");
        gpuField("pstate", null, Gpu::pstate);
        gpuField("fan.speed", "%", g -> unified ? null : Integer.toString(30 + g.utilization() / 2));
        gpuField("temperature.gpu", null, g -> Integer.toString(g.temperature()));
        gpuField("utilization.gpu", "%", g -> Integer.toString(g.utilization()));
        // GB10 reads 0 here (mostlygeek/llama-swap#782); a discrete card shows memory-controller activity.
        gpuField("utilization.memory", "%", g -> Integer.toString(unified ? 0 : g.utilization() / 2));
        gpuField("memory.total", "MiB", g -> unified ? null : Long.toString(g.profile().gpuMemoryMiB()));
        gpuField("memory.reserved", "MiB", g -> unified ? null : "512");
        gpuField("memory.used", "MiB", g -> unified ? null : Long.toString(usedMiB(g)));
        gpuField("memory.free", "MiB", g -> unified ? null : Long.toString(g.profile().gpuMemoryMiB() - 512 - usedMiB(g)));
        gpuField("power.draw", "W", g -> String.format(Locale.ROOT, "%.2f", g.powerDraw()));
        gpuField("power.limit", "W", g -> watts(g.profile().powerLimitWatts()));
        gpuField("enforced.power.limit", "W", g -> watts(g.profile().powerLimitWatts()));
        gpuField("power.default_limit", "W", g -> watts(g.profile().powerLimitWatts()));
        gpuField("power.max_limit", "W", g -> watts(g.profile().powerLimitWatts()));
        gpuField("clocks.current.graphics", "MHz", g -> Integer.toString(g.smClock()), "clocks.gr");
        gpuField("clocks.current.sm", "MHz", g -> Integer.toString(g.smClock()), "clocks.sm");
        gpuField("clocks.current.memory", "MHz", g -> Integer.toString(g.memClock()), "clocks.mem");
        gpuField("clocks.max.graphics", "MHz", g -> Integer.toString(g.profile().maxSmClockMHz()), "clocks.max.gr");
        gpuField("clocks.max.sm", "MHz", g -> Integer.toString(g.profile().maxSmClockMHz()));
        gpuField("clocks.max.memory", "MHz", g -> Integer.toString(g.profile().memClockMHz()), "clocks.max.mem");
        gpuField("clocks_event_reasons.active", null, g -> String.format("0x%016x", g.clockEventReasons()),
                "clocks_throttle_reasons.active");

        appField("timestamp", null, p -> LocalDateTime.now().format(TIMESTAMP));
        appField("gpu_name", null, p -> gpu.profile().name());
        appField("gpu_bus_id", null, p -> unified ? "0000000F:01:00.0" : "00000000:01:00.0");
        appField("gpu_serial", null, p -> "1655123009817");
        appField("gpu_uuid", null, p -> gpu.uuid());
        appField("pid", null, p -> Long.toString(p.pid()));
        appField("process_name", null, GpuProcess::processName, "name");
        // Works on GB10 even though memory.used does not (research notes §7.3).
        appField("used_gpu_memory", "MiB", p -> Long.toString(p.usedMiB()), "used_memory");
    }

    ExecResult run(List<String> args) {
        String queryGpu = null;
        String queryApps = null;
        String format = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            Flag split = Flag.of(a);
            String option = split.name();
            String value = split.value();
            switch (option) {
                case "--query-gpu", "--query-compute-apps", "--format", "-i", "--id" -> {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            return invalidArgs();
                        }
                        value = args.get(++i);
                    }
                    if (option.equals("--query-gpu")) {
                        queryGpu = value;
                    } else if (option.equals("--query-compute-apps")) {
                        queryApps = value;
                    } else if (option.equals("--format")) {
                        format = value;
                    } else if (!value.equals("0") && !value.equals(gpu.uuid())) {
                        return new ExecResult(6, "No devices were found\n", "");
                    }
                }
                default -> {
                    return new ExecResult(2, "ERROR: Option " + a + " is not recognized. Please run 'nvidia-smi -h'.\n\n", "");
                }
            }
        }
        if (queryGpu == null && queryApps == null) {
            return format == null ? ExecResult.ok(summary()) : invalidArgs();
        }
        if (queryGpu != null && queryApps != null || format == null) {
            return invalidArgs();
        }
        boolean header = true;
        boolean units = true;
        boolean csv = false;
        for (String f : format.split(",")) {
            switch (f.trim()) {
                case "csv" -> csv = true;
                case "noheader" -> header = false;
                case "nounits" -> units = false;
                default -> {
                    return new ExecResult(2, "ERROR: Option " + f + " is not recognized. Please run 'nvidia-smi -h'.\n\n", "");
                }
            }
        }
        if (!csv) {
            return invalidArgs();
        }
        return queryGpu != null
                ? table(queryGpu, gpuFields, List.of(gpu), header, units)
                : table(queryApps, appFields, gpu.processes(), header, units);
    }

    private static <T> ExecResult table(String query, Map<String, Field<T>> known, List<T> rows, boolean header, boolean units) {
        List<Field<T>> fields = new ArrayList<>();
        for (String name : query.split(",")) {
            Field<T> f = known.get(name.trim().toLowerCase(Locale.ROOT));
            if (f == null) {
                return new ExecResult(2, "Field \"" + name.trim() + "\" is not a valid field to query.\n\n", "");
            }
            fields.add(f);
        }
        StringBuilder out = new StringBuilder();
        if (header) {
            out.append(String.join(", ", fields.stream().map(f -> f.unit() == null ? f.name() : f.name() + " [" + f.unit() + "]").toList()))
                    .append('\n');
        }
        for (T row : rows) {
            List<String> values = new ArrayList<>();
            for (Field<T> f : fields) {
                String v = f.value().apply(row);
                values.add(v == null ? NA : units && f.unit() != null ? v + " " + f.unit() : v);
            }
            out.append(String.join(", ", values)).append('\n');
        }
        return ExecResult.ok(out.toString());
    }

    /** A compact version of the default table, enough for a human glancing at the simulator over SSH. */
    private String summary() {
        boolean unified = gpu.profile().unifiedMemory();
        String memory = unified ? "Not Supported" : usedMiB(gpu) + "MiB / " + gpu.profile().gpuMemoryMiB() + "MiB";
        String cap = gpu.profile().powerLimitWatts() == null ? "N/A" : Math.round(gpu.profile().powerLimitWatts()) + "W";
        StringBuilder out = new StringBuilder();
        out.append("| NVIDIA-SMI ").append(gpu.profile().driverVersion()).append("    Driver Version: ")
                .append(gpu.profile().driverVersion()).append(" |\n");
        out.append(String.format("|   0  %-30s On  | %s Off |%n", gpu.profile().name(), unified ? "0000000F:01:00.0" : "00000000:01:00.0"));
        out.append(String.format("| %s   %dC    %s   %4dW / %s | %-22s | %5d%%      Default |%n", unified ? "N/A" : "30%",
                gpu.temperature(), gpu.pstate(), Math.round(gpu.powerDraw()), cap, memory, gpu.utilization()));
        for (GpuProcess p : gpu.processes()) {
            out.append(String.format("|    0   N/A  N/A  %8d      C   %-28s %6dMiB |%n", p.pid(), p.processName(), p.usedMiB()));
        }
        return out.toString();
    }

    /** Processes' memory plus the few MiB a driver context holds on an idle card; reserved memory is counted apart. */
    private static long usedMiB(Gpu g) {
        return 4 + g.usedBytes() / (1024 * 1024);
    }

    private static String watts(Double w) {
        return w == null ? null : String.format(Locale.ROOT, "%.2f", w);
    }

    private static ExecResult invalidArgs() {
        return new ExecResult(2, "Invalid combination of input arguments. Please run 'nvidia-smi -h' for help.\n\n", "");
    }

    private void gpuField(String name, String unit, Function<Gpu, String> value, String... aliases) {
        Field<Gpu> f = new Field<>(name, unit, value);
        gpuFields.put(name, f);
        for (String a : aliases) {
            gpuFields.put(a, f);
        }
    }

    private void appField(String name, String unit, Function<GpuProcess, String> value, String... aliases) {
        Field<GpuProcess> f = new Field<>(name, unit, value);
        appFields.put(name, f);
        for (String a : aliases) {
            appFields.put(a, f);
        }
    }
}
