package dev.sparkd.health.incident;

import java.time.Duration;

import org.jboss.logging.Logger;

import dev.sparkd.core.queue.WriteBehindQueue;
import dev.sparkd.daemon.persistence.UnitOfWork;
import dev.sparkd.daemon.persistence.WriteBehindDriver;
import dev.sparkd.health.fleet.ServiceStateChanged;
import dev.sparkd.health.fleet.ServiceStatus;
import dev.sparkd.health.state.StateMachine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Writes each state change to the database in the order it happened, so an incident is always opened before it is
 * closed: changes are queued (probing never waits for the database) and written at once, one transaction per batch,
 * one batch at a time. A failed write keeps its changes for the next try (every few seconds); probing goes on.
 */
@ApplicationScoped
public class IncidentRecorder {
    private static final Logger LOG = Logger.getLogger(IncidentRecorder.class);
    static final int BATCH = 100;
    static final int MAX_QUEUED = 10_000;

    /** One change of one service, as the fleet reported it. */
    record Observed(String service, String kind, StateMachine.Change change) {
    }

    private final WriteBehindQueue<Observed> queue;

    public IncidentRecorder(IncidentService incidents, WriteBehindDriver driver) {
        this.queue = driver.drive("incidents", new WriteBehindQueue<>("incidents", MAX_QUEUED, BATCH, 1,
                batch -> UnitOfWork.start(() -> incidents.recordAll(batch)), UnitOfWork::refused),
                Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    void changed(@Observes ServiceStateChanged event) {
        ServiceStatus status = event.status();
        StateMachine.Change change = event.change();
        if (change.stateChanged()) {
            LOG.infof("%s is %s%s", status.name(), change.to(), change.reason() == null ? "" : ": " + change.reason());
        }
        queue.offer(new Observed(status.name(), status.kind(), change));
    }

    /** True when every change seen so far is written (for tests and shutdown). */
    public boolean idle() {
        return queue.idle();
    }
}
