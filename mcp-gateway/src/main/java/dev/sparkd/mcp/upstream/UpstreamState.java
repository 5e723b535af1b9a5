package dev.sparkd.mcp.upstream;

import java.util.Locale;

/** Where an upstream server is in its life: {@code failed} carries a reason, {@code restarting} follows a crash. */
public enum UpstreamState {
    STARTING, READY, FAILED, RESTARTING, STOPPED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
