package dev.sparkd.health.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.fleet.FiguresChanged;
import dev.sparkd.health.fleet.Fleet;
import dev.sparkd.health.fleet.FleetEvents;
import dev.sparkd.health.fleet.ServiceStateChanged;
import dev.sparkd.health.handshake.Handshake;
import dev.sparkd.health.telemetry.Telemetry;
import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.config.SimConfig;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import dev.sparkd.simulator.testing.SimToml;
import dev.sparkd.simulator.testing.SuiteToml;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;

/**
 * Pull-style metrics: after the first probe of a service, further probes add, remove and write no meter, yet a scrape
 * reads the latest figures; figures a server does not report have no series.
 */
class HealthMetricsTest {
    static Simulator sim;
    static SuiteConfig config;

    @BeforeAll
    static void start() throws Exception {
        sim = Simulator.start(SimConfig.parse("""
                [sparks.spark-1]
                gpu = "gb10"
                """
                + SimToml.service("spark-1", "ollama-1", "ollama", "models = [\"llama3.2:3b\"]")));
        config = ConfigLoader.load(SuiteToml.of("metrics", sim)
                .with("health", """
                        timeout = "10s"                 # generous: the test counts meters, not speed, on a busy machine
                        slow_response = "10s"
                        """)
                .write(Path.of("target/metrics-test/sparkd.toml")));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void probesAfterTheFirstWriteNoMeter() throws Exception {
        HealthSettings settings = config.section(HealthSettings.class);
        Vertx vertx = Vertx.vertx();
        MeterRegistry registry = new SimpleMeterRegistry();
        AtomicInteger meterChanges = new AtomicInteger();
        registry.config().onMeterAdded(m -> meterChanges.incrementAndGet()).onMeterRemoved(m -> meterChanges.incrementAndGet());
        AtomicInteger figureEvents = new AtomicInteger();
        HealthMetrics[] metrics = new HealthMetrics[1];
        FleetEvents events = new FleetEvents() {
            @Override
            public void stateChanged(ServiceStateChanged event) {
                metrics[0].stateChanged(event);
            }

            @Override
            public void figuresChanged(FiguresChanged event) {
                figureEvents.incrementAndGet();
                metrics[0].figuresChanged(event);
            }
        };
        try (Handshake handshake = new Handshake(vertx.getDelegate(), settings);
                Telemetry telemetry = new Telemetry(Runnable::run, config, s -> { });
                Fleet fleet = new Fleet(vertx, config, settings, handshake, events, s -> Optional.empty(), Instant.EPOCH)) {
            metrics[0] = new HealthMetrics(registry, fleet, telemetry);
            assertThat(registry.find("sparkd_health_probe_success").gauge()).as("no series before the first probe").isNull();

            fleet.probeAll().await().atMost(Duration.ofSeconds(30));
            assertThat(figureEvents).hasValue(1);
            assertThat(gauge(registry, "sparkd_health_probe_success")).as(fleet.statuses().toString()).isEqualTo(1.0);
            assertThat(gauge(registry, "sparkd_health_installed_models")).isEqualTo(1.0);
            assertThat(registry.find("sparkd_health_kv_cache_usage_ratio").gauge()).as("Ollama reports no KV cache: absent, not 0").isNull();
            assertThat(registry.find("sparkd_health_service_state").tag("state", "UP").gauge().value())
                    .as(fleet.statuses().toString()).isEqualTo(1.0);
            assertThat(registry.find("sparkd_health_service_state").tag("state", "DOWN").gauge().value()).isEqualTo(0.0);

            int before = meterChanges.get();
            for (int i = 0; i < 5; i++) {
                fleet.probeAll().await().atMost(Duration.ofSeconds(30));
            }
            assertThat(meterChanges.get()).as("meters added or removed by 5 ordinary probes").isEqualTo(before);
            assertThat(figureEvents).as("events for 5 probes that changed no figure").hasValue(1);
            assertThat(registry.find("sparkd_health_probes").tag("outcome", "success").functionCounter().count()).isEqualTo(6.0);
            assertThat(registry.find("sparkd_health_probe_latency").timer().count()).as("one latency observation per probe").isEqualTo(6);

            sim.control().setFault("ollama-1", Fault.of(FaultType.DOWN));
            // the fault closes the port asynchronously: probe only once it is closed
            sim.control().settled("ollama-1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            try {
                fleet.probeAll().await().atMost(Duration.ofSeconds(30));
            } finally {
                sim.control().clearFaults("ollama-1");
                sim.control().settled("ollama-1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            assertThat(gauge(registry, "sparkd_health_probe_success")).as("read at scrape time").isEqualTo(0.0);
            assertThat(registry.find("sparkd_health_installed_models").gauge()).as("no answer: the figure is gone").isNull();
            assertThat(registry.find("sparkd_health_probes").tag("outcome", "failure").functionCounter().count()).isEqualTo(1.0);
        } finally {
            vertx.closeAndAwait();
        }
    }

    private static double gauge(MeterRegistry registry, String name) {
        Gauge g = registry.find(name).gauge();
        assertThat(g).as(name).isNotNull();
        return g.value();
    }
}
