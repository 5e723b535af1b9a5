package dev.sparkd.simulator.config;

/** Comparisons of the upstream versions a simulated service imitates, which decide the behaviour it shows. */
public final class Versions {
    private Versions() {
    }

    /**
     * Whether {@code version} (e.g. {@code 0.12.6}, {@code v0.33.0-rc2}) is before major.minor.patch; a version that
     * does not parse counts as current.
     */
    public static boolean olderThan(String version, int major, int minor, int patch) {
        try {
            String[] p = version.replaceFirst("^v", "").split("[.+-]");
            int[] have = {Integer.parseInt(p[0]), p.length > 1 ? Integer.parseInt(p[1]) : 0, p.length > 2 ? Integer.parseInt(p[2]) : 0};
            int[] want = {major, minor, patch};
            for (int i = 0; i < 3; i++) {
                if (have[i] != want[i]) {
                    return have[i] < want[i];
                }
            }
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
