package dev.sparkd.simulator;

import dev.sparkd.simulator.config.SimConfig;
import dev.sparkd.simulator.http.SimulatedService;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -cp "simulator/target/simulator.jar:simulator/target/lib/*" dev.sparkd.simulator.SimulatorMain --config FILE}:
 * starts the simulator, prints one line per endpoint (services, SSH, cloud providers, credentials, control) and then
 * {@code simulator ready}, runs until SIGTERM/SIGINT.
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
        Simulator sim;
        try {
            sim = Simulator.start(config);
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        String bind = config.bind();
        for (SimulatedSpark spark : sim.sparks()) {
            for (SimulatedService s : spark.services()) {
                System.out.printf("%s/%s %s http://%s:%d %s%n", spark.name(), s.name(), s.kind().wireName(), bind, s.port(), s.state());
            }
            if (spark.ssh() != null) {
                System.out.printf("%s ssh 127.0.0.1:%d %s%n", spark.name(), spark.ssh().port(), spark.ssh().hostKeyFingerprint());
            }
        }
        for (SimulatedCloud c : sim.clouds()) {
            System.out.printf("cloud/%s %s key %s%n", c.name(), c.server().baseUrl(),
                    c.apiKeyFile() == null ? "(in memory)" : c.apiKeyFile());
        }
        if (config.clientKey() != null) {
            System.out.printf("ssh client key %s%n", config.clientKey());
        }
        if (config.knownHosts() != null) {
            System.out.printf("ssh known_hosts %s%n", config.knownHosts());
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
