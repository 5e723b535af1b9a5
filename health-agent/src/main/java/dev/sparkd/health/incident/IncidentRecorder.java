package dev.sparkd.health.incident;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import dev.sparkd.health.fleet.ServiceStateChanged;
import dev.sparkd.health.fleet.ServiceStatus;
import dev.sparkd.health.state.StateMachine;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Writes each state change to the database in the order it happened (one write at a time, on a safe Vert.x context),
 * so an incident is always opened before it is closed. A failed write is logged; probing goes on.
 */
@ApplicationScoped
public class IncidentRecorder {
    private static final Logger LOG = Logger.getLogger(IncidentRecorder.class);

    private record Pending(String service, String kind, StateMachine.Change change) {
    }

    private final IncidentService incidents;
    private final Vertx vertx;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    public IncidentRecorder(IncidentService incidents, Vertx vertx) {
        this.incidents = incidents;
        this.vertx = vertx;
    }

    void changed(@Observes ServiceStateChanged event) {
        ServiceStatus status = event.status();
        StateMachine.Change change = event.change();
        if (change.stateChanged()) {
            LOG.infof("%s is %s%s", status.name(), change.to(), change.reason() == null ? "" : ": " + change.reason());
        }
        queue.add(new Pending(status.name(), status.kind(), change));
        drain();
    }

    private void drain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        Pending next = queue.poll();
        if (next == null) {
            draining.set(false);
            if (!queue.isEmpty()) {
                drain();
            }
            return;
        }
        // Hibernate Reactive wants a duplicated context marked safe, which a probe's callback is not.
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(v -> incidents.record(next.service(), next.kind(), next.change()).subscribe().with(ok -> done(), e -> {
            LOG.warnf("could not record the change of %s to %s: %s", next.service(), next.change().to(), e.toString());
            done();
        }));
    }

    private void done() {
        draining.set(false);
        drain();
    }

    /** True when every change seen so far is written (for tests and shutdown). */
    public boolean idle() {
        return queue.isEmpty() && !draining.get();
    }
}
