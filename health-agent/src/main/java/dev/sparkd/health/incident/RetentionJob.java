package dev.sparkd.health.incident;

import java.time.Instant;

import org.jboss.logging.Logger;

import dev.sparkd.core.config.Durations;
import dev.sparkd.health.config.HealthSettings;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Enforces {@code [health] retention} every hour (and shortly after start). */
@ApplicationScoped
public class RetentionJob {
    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    private final IncidentService incidents;
    private final HealthSettings settings;

    public RetentionJob(IncidentService incidents, HealthSettings settings) {
        this.incidents = incidents;
        this.settings = settings;
    }

    @Scheduled(every = "1h", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> enforce() {
        return incidents.enforceRetention(settings.retention(), Instant.now())
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("retention: deleted %d row(s) older than %s", n,
                                Durations.format(settings.retention()));
                    }
                })
                .replaceWithVoid();
    }
}
