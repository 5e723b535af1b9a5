package dev.sparkd.health.probe;

import java.time.Duration;
import java.util.Locale;

import dev.sparkd.core.config.Durations;

/** Durations as reasons show them: {@code 850ms}, {@code 1.5s}, then {@link Durations#format} (e.g. {@code 2m}). */
public final class Elapsed {
    private Elapsed() {
    }

    public static String human(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        if (d.toMillis() < 60_000) {
            double s = d.toMillis() / 1000.0;
            return (s == Math.rint(s) ? Long.toString((long) s) : String.format(Locale.ROOT, "%.1f", s)) + "s";
        }
        return Durations.format(Duration.ofSeconds(d.toSeconds()));
    }
}
