package dev.sparkd.health.state;

/** What the health-agent says about a service. UP and DEGRADED serve requests; LOADING and DOWN do not. */
public enum State {
    UP, DEGRADED, LOADING, DOWN;

    /** Whether the service answers requests (HTTP 200 from {@code /api/v1/services/{name}}, exit 0 from {@code --once}). */
    public boolean available() {
        return this == UP || this == DEGRADED;
    }

    /** Severity for an incident's "worst state": DOWN is worst, then LOADING, then DEGRADED. */
    public int severity() {
        return switch (this) {
            case UP -> 0;
            case DEGRADED -> 1;
            case LOADING -> 2;
            case DOWN -> 3;
        };
    }

    public static State worse(State a, State b) {
        return a.severity() >= b.severity() ? a : b;
    }
}
