package dev.sparkd.core.host;

import java.util.HashMap;
import java.util.Map;

/**
 * What a Spark's own commands print, read the same way by every daemon that asks (the health-agent's telemetry, the
 * model-manager's swap): {@code /proc/meminfo}, and why a container exited from the tail of {@code docker logs}.
 */
public final class HostOutput {
    private HostOutput() {
    }

    /** {@code /proc/meminfo}: values by key, kB converted to bytes; lines that are not numbers are skipped. */
    public static Map<String, Long> meminfo(String text) {
        Map<String, Long> out = new HashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String[] v = line.substring(colon + 1).strip().split("\\s+");
            try {
                long n = Long.parseLong(v[0]);
                out.put(line.substring(0, colon).strip(), v.length > 1 && v[1].equals("kB") ? n * 1024 : n);
            } catch (NumberFormatException ignored) {
                // not a number: skip the line
            }
        }
        return out;
    }

    /**
     * Why a container exited, from the tail of {@code docker logs}: the cause, not the shutdown chatter after it — the
     * last line naming an error, else the last line; null for an empty log.
     */
    public static String exitCause(String logs) {
        String cause = null;
        String last = null;
        for (String line : logs.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            last = line.strip();
            if (line.contains("Error") || line.contains("ERROR")) {
                cause = last;
            }
        }
        return cause != null ? cause : last;
    }
}
