package dev.sparkd.health.telemetry;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Parsers for what the telemetry commands print. Unsupported values ({@code [N/A]}, {@code [Not Supported]}) are null. */
public final class Parsers {
    static final String GPU_FIELDS = "name,utilization.gpu,temperature.gpu,power.draw,clocks.current.sm,clocks.current.memory,memory.total,memory.used";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Parsers() {
    }

    /** The first GPU of {@code nvidia-smi --query-gpu=GPU_FIELDS --format=csv,noheader,nounits}. */
    public static Optional<HostStatus.Gpu> gpu(String csv) {
        for (String line : csv.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",\\s*", -1);
            if (f.length < 8) {
                return Optional.empty();
            }
            Double util = number(f[1]);
            Double smMhz = number(f[4]);
            Double memMhz = number(f[5]);
            Double totalMib = number(f[6]);
            Double usedMib = number(f[7]);
            return Optional.of(new HostStatus.Gpu(f[0].strip(), util == null ? null : util / 100.0, number(f[2]), number(f[3]),
                    smMhz == null ? null : smMhz * 1e6, memMhz == null ? null : memMhz * 1e6,
                    totalMib == null ? null : (long) (totalMib * 1048576L), usedMib == null ? null : (long) (usedMib * 1048576L)));
        }
        return Optional.empty();
    }

    /** Rows of {@code --query-compute-apps=pid,process_name,used_memory --format=csv,noheader,nounits}: count and bytes. */
    public static long[] computeApps(String csv) {
        long count = 0;
        long bytes = 0;
        boolean any = false;
        for (String line : csv.split("\n")) {
            if (line.isBlank() || line.startsWith("No running")) {
                continue;
            }
            String[] f = line.split(",\\s*", -1);
            count++;
            Double mib = f.length >= 3 ? number(f[f.length - 1]) : null;
            if (mib != null) {
                bytes += (long) (mib * 1048576L);
                any = true;
            }
        }
        return new long[] {count, any || count == 0 ? bytes : -1};
    }

    /** {@code df -B1 --output=file,size,avail DIR…} after its header line. */
    public static List<HostStatus.Disk> df(String text) {
        List<HostStatus.Disk> out = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].strip().split("\\s+");
            if (f.length < 3) {
                continue;
            }
            try {
                long avail = Long.parseLong(f[f.length - 1]);
                long size = Long.parseLong(f[f.length - 2]);
                String path = String.join(" ", java.util.Arrays.copyOf(f, f.length - 2));
                out.add(new HostStatus.Disk(path, size, avail, false));
            } catch (NumberFormatException ignored) {
                // header or malformed line
            }
        }
        return out;
    }

    /** {@code docker inspect -f '{{json .State}}' NAME}. */
    public static HostStatus.Container container(String service, String json) {
        try {
            JsonNode s = JSON.readTree(json);
            boolean running = s.path("Running").asBoolean(false);
            Instant finished = running ? null : time(s.path("FinishedAt").asText(""));
            String error = s.path("Error").asText("");
            return new HostStatus.Container(service, s.path("Status").asText("unknown"), running, time(s.path("StartedAt").asText("")),
                    running || !s.path("ExitCode").isInt() ? null : s.path("ExitCode").asInt(), finished, error.isBlank() ? null : error);
        } catch (Exception e) {
            return HostStatus.Container.unknown(service, "unreadable");
        }
    }

    /** Docker's times; {@code 0001-01-01T00:00:00Z} is Go's zero time, "never". */
    private static Instant time(String at) {
        return at.isEmpty() || at.startsWith("0001-") ? null : OffsetDateTime.parse(at).toInstant();
    }

    static Double number(String field) {
        String s = field.strip();
        if (s.isEmpty() || s.startsWith("[") || s.equalsIgnoreCase("N/A")) {
            return null;
        }
        s = s.replaceAll("\\s*(%|W|MiB|MHz|C)$", "");
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
