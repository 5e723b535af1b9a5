package dev.sparkd.health.api;

import dev.sparkd.daemon.health.MemberHealthCheck;
import dev.sparkd.health.fleet.Fleet;
import io.smallrye.health.api.HealthGroup;
import jakarta.inject.Singleton;

/**
 * The fleet, as a health group of its own ({@code /q/health/group/fleet}): DOWN when any service is LOADING or DOWN.
 * Deliberately not a readiness check: a dead Ollama must not make systemd restart the agent that reports it.
 */
@HealthGroup("fleet")
@Singleton
public class FleetHealthCheck extends MemberHealthCheck {

    public FleetHealthCheck(Fleet fleet) {
        super("fleet", () -> fleet.statuses().stream().map(s -> new Member(s.name(), s.state(), s.reason(), s.available())).toList());
    }
}
