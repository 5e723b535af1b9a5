package dev.sparkd.simulator;

import dev.sparkd.simulator.config.SimConfig;
import dev.sparkd.simulator.http.SimulatedService;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -cp simulator/target/simulator-*.jar:simulator/target/lib/* dev.sparkd.simulator.SimulatorMain --config FILE}:
 * starts the simulator, prints one line per endpoint and then {@code simulator ready}, runs until SIGTERM/SIGINT.
 */
public final class SimulatorMain {
    private SimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        String file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = args[++i];
            } else if (args[i].startsWith("--config=")) {
                file = args[i].substring("--config=".length());
            }
        }
        if (file == null) {
            System.err.println("usage: SimulatorMain --config FILE   (see examples/sim-two-sparks.toml)");
            System.exit(2);
        }
        SimConfig config;
        try {
            config = SimConfig.load(Path.of(file));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Simulator sim = Simulator.start(config);
        String bind = config.bind();
        for (SimulatedSpark spark : sim.sparks()) {
            for (SimulatedService s : spark.services()) {
                System.out.printf("%s/%s %s http://%s:%d %s%n", spark.name(), s.name(), s.kind().wireName(), bind, s.port(), s.state());
            }
        }
        System.out.printf("control http://%s:%d/_sim/state%n", bind, sim.controlPort());
        System.out.println("simulator ready");
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stopped.countDown();
        }, "simulator-shutdown"));
        stopped.await();
    }
}
