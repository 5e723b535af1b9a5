package dev.sparkd.health.api;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import dev.sparkd.health.fleet.Fleet;
import dev.sparkd.health.fleet.ServiceStatus;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The fleet, as a health group of its own ({@code /q/health/group/fleet}): DOWN when any service is LOADING or DOWN.
 * Deliberately not a readiness check: a dead Ollama must not make systemd restart the agent that reports it.
 */
@HealthGroup("fleet")
@ApplicationScoped
public class FleetHealthCheck implements HealthCheck {
    private final Fleet fleet;

    public FleetHealthCheck(Fleet fleet) {
        this.fleet = fleet;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("fleet");
        boolean all = true;
        for (ServiceStatus s : fleet.statuses()) {
            b.withData(s.name(), s.state() + (s.reason() == null ? "" : ": " + s.reason()));
            all &= s.available();
        }
        return b.status(all).build();
    }
}
