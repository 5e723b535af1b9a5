package dev.sparkd.health;

import java.util.List;

import org.jboss.logging.Logger;

import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.fleet.Fleet;
import dev.sparkd.health.fleet.FleetListener;
import dev.sparkd.health.telemetry.Telemetry;
import dev.sparkd.core.config.SuiteConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

/** The running agent: the fleet of probed services and the host telemetry, started with the daemon. */
@ApplicationScoped
public class HealthAgent {
    private static final Logger LOG = Logger.getLogger(HealthAgent.class);

    private final HealthSettings settings;
    private final Telemetry telemetry;
    private final Fleet fleet;

    public HealthAgent(Vertx vertx, SuiteConfig config) {
        this.settings = config.section(HealthSettings.class);
        this.telemetry = new Telemetry(vertx, Infrastructure.getDefaultWorkerPool(), config, settings.hostInterval());
        this.fleet = new Fleet(vertx, config, settings, telemetry::containerStarted);
    }

    void onStart(@Observes StartupEvent event, Instance<FleetListener> listeners, dev.sparkd.health.metrics.HealthMetrics metrics) {
        listeners.forEach(fleet::addListener);
        telemetry.addListener(metrics::host);
        fleet.start();
        telemetry.start();
        List<String> names = fleet.statuses().stream().map(s -> s.name()).toList();
        LOG.infof("probing %d service(s) every %s: %s; telemetry on %d host(s)", names.size(),
                dev.sparkd.core.config.Durations.format(settings.interval()), String.join(", ", names), telemetry.hosts().size());
    }

    void onStop(@Observes ShutdownEvent event) {
        fleet.close();
        telemetry.close();
    }

    public Fleet fleet() {
        return fleet;
    }

    public Telemetry telemetry() {
        return telemetry;
    }

    public HealthSettings settings() {
        return settings;
    }
}
