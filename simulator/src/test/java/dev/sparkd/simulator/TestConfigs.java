package dev.sparkd.simulator;

import dev.sparkd.simulator.config.SimConfig;
import dev.sparkd.simulator.testing.SimToml;

/** TOML snippets for the tests: ephemeral ports and fast paces so nothing waits longer than needed. */
final class TestConfigs {
    private TestConfigs() {
    }

    static final String FAST = SimToml.read("src/test/resources/fast.toml");

    /** A simulator on {@link #FAST} paces with {@code toml} (its services) added. */
    static Simulator fast(String toml) {
        return Simulator.start(SimConfig.parse(FAST + toml));
    }
}
