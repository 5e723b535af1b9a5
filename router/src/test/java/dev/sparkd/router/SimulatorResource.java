package dev.sparkd.router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.config.SimConfig;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts the simulated Spark and cloud providers, and the capturing compatible upstream, on the fixed ports
 * {@code router-test.toml} names ({@code router-sim.toml}).
 */
public class SimulatorResource implements QuarkusTestResourceLifecycleManager {
    static volatile Simulator sim;
    static volatile CaptureUpstream capture;

    @Override
    public Map<String, String> start() {
        try {
            capture = new CaptureUpstream();
        } catch (Exception e) {
            throw new IllegalStateException("capturing upstream on port " + CaptureUpstream.PORT, e);
        }
        try {
            sim = Simulator.start(SimConfig.load(Path.of("src/test/resources/router-sim.toml")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of();
    }

    @Override
    public void stop() {
        if (capture != null) {
            capture.close();
        }
        if (sim != null) {
            sim.close();
        }
    }
}
