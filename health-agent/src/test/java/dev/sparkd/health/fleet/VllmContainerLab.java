package dev.sparkd.health.fleet;

import java.time.Duration;

import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.testing.SuiteToml;

/**
 * What {@link DeadEngineTest} and {@link RebootRecoveryTest} share: the simulator's vLLM as the health-agent knows it,
 * running in container {@code vllm-1} and DOWN after one failed probe, and waiting for a probe to say a state.
 */
final class VllmContainerLab {
    private VllmContainerLab() {
    }

    static SuiteToml suite(String name, Simulator sim, String probeTimeout) {
        return SuiteToml.of(name, sim)
                .with("services.vllm-1", """
                        model = "Qwen/Qwen2.5-7B-Instruct"
                        container = "vllm-1"
                        start_grace = "10m"
                        """)
                .with("health", """
                        timeout = "%s"
                        slow_response = "10s"
                        failure_threshold = 1
                        """.formatted(probeTimeout));
    }

    static ServiceStatus awaitState(ServiceMonitor m, String state, Duration within) {
        long until = System.nanoTime() + within.toNanos();
        ServiceStatus s = m.status();
        while (System.nanoTime() < until) {
            s = m.probeOnce().await().atMost(Duration.ofSeconds(15));
            if (state.equals(s.state())) {
                return s;
            }
            sleep(100);
        }
        throw new AssertionError("vllm-1 never " + state + ": " + s);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
