package dev.sparkd.daemon.boot;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.sparkd.daemon.persistence.UnitOfWork;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Writes the start row once the database is migrated. Runs on the main thread at start-up, so waiting here blocks no
 * event loop; a failure is logged and the daemon keeps serving (it is a record, not a dependency).
 */
@ApplicationScoped
public class StartRecorder {
    private static final Logger LOG = Logger.getLogger(StartRecorder.class);

    void onStart(@Observes StartupEvent event, DaemonStartService starts, DaemonConfig daemon,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        try {
            UnitOfWork.await(() -> starts.record(daemon.daemon(), version));
        } catch (RuntimeException e) {
            LOG.warnf("could not record this start in the database: %s", e.getMessage());
        }
    }
}
