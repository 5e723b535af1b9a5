package dev.sparkd.health.incident;

import java.time.Duration;
import java.time.Instant;

import dev.sparkd.daemon.retention.Retained;
import dev.sparkd.health.config.HealthSettings;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code [health] retention}: closed incidents and state history (an open incident stays however old). */
@ApplicationScoped
public class IncidentRetention implements Retained {
    private final IncidentService incidents;
    private final HealthSettings settings;

    public IncidentRetention(IncidentService incidents, HealthSettings settings) {
        this.incidents = incidents;
        this.settings = settings;
    }

    @Override
    public String what() {
        return "incident and state-history rows";
    }

    @Override
    public Duration keep() {
        return settings.retention();
    }

    @Override
    public Uni<Long> deleteBefore(Instant cutoff) {
        return incidents.deleteBefore(cutoff);
    }
}
