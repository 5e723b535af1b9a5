package dev.sparkd.health;

import java.time.Instant;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.fleet.Fleet;
import dev.sparkd.health.fleet.FleetEventsBridge;
import dev.sparkd.health.handshake.Handshake;
import dev.sparkd.health.incident.IncidentService;
import dev.sparkd.health.telemetry.HostStatus;
import dev.sparkd.health.telemetry.Telemetry;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.daemon.retention.Retained;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The agent's beans whose construction needs the configuration: the {@code [health]} settings, the fleet of probed
 * services, the handshake, the host telemetry and the incident retention. They are plain Java so that {@code --once}
 * can build them without CDI; everything else is a bean with constructor injection.
 */
@Singleton
public class HealthProducers {

    @Produces
    @Singleton
    HealthSettings settings(SuiteConfig config) {
        return config.section(HealthSettings.class);
    }

    @Produces
    @Singleton
    Handshake handshake(Vertx vertx, HealthSettings settings) {
        return new Handshake(vertx.getDelegate(), settings);
    }

    void close(@Disposes Handshake handshake) {
        handshake.close();
    }

    @Produces
    @Singleton
    Telemetry telemetry(SuiteConfig config, Event<HostStatus> collected) {
        return new Telemetry(Infrastructure.getDefaultWorkerPool(), config, collected::fire);
    }

    void close(@Disposes Telemetry telemetry) {
        telemetry.close();
    }

    @Produces
    @Singleton
    Fleet fleet(Vertx vertx, SuiteConfig config, HealthSettings settings, Handshake handshake, FleetEventsBridge events,
            Telemetry telemetry) {
        return new Fleet(vertx, config, settings, handshake, events, telemetry::container, Instant.now());
    }

    void close(@Disposes Fleet fleet) {
        fleet.close();
    }

    /** {@code [health] retention}: closed incidents and state history (an open incident stays however old). */
    @Produces
    @Singleton
    Retained incidentRetention(IncidentService incidents, HealthSettings settings) {
        return Retained.of("incident and state-history rows", settings.retention(), incidents::deleteBefore);
    }
}
