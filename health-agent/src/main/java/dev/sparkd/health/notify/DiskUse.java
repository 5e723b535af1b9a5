package dev.sparkd.health.notify;

import java.util.Locale;

import dev.sparkd.health.telemetry.HostStatus;

/** How a disk warning reads in an alert. */
final class DiskUse {
    private DiskUse() {
    }

    static String describe(HostStatus.Disk d, double warning) {
        return String.format(Locale.ROOT, "%.0f%% used, %s free of %s (warning at %.0f%%)", d.usedRatio() * 100, gib(d.free()),
                gib(d.size()), warning * 100);
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / 1073741824.0);
    }
}
