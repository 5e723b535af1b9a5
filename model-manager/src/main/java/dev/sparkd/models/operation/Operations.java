package dev.sparkd.models.operation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The live operations of this process (the last 500), fanned out to listeners: in the daemon every
 * {@link Operation.OperationListener} bean (the database, metrics), in the command-line modes the terminal.
 */
@ApplicationScoped
public class Operations {
    private static final int KEEP = 500;
    private final Map<String, Operation> recent = new LinkedHashMap<>();
    private final List<Operation.OperationListener> listeners = new CopyOnWriteArrayList<>();
    private final Operation.OperationListener fanOut = new FanOut();

    /** Without listeners: the command-line modes and tests add theirs. */
    public Operations() {
    }

    @Inject
    public Operations(@All List<Operation.OperationListener> listeners) {
        this.listeners.addAll(listeners);
    }

    public void addListener(Operation.OperationListener l) {
        listeners.add(l);
    }

    public Operation start(String kind, String service, String subject) {
        Operation op = new Operation(kind, service, subject, fanOut);
        synchronized (recent) {
            recent.put(op.id(), op);
            if (recent.size() > KEEP) {
                recent.remove(recent.keySet().iterator().next());
            }
        }
        listeners.forEach(l -> l.started(op));
        op.event(kind + " " + subject + " on " + service + " started");
        return op;
    }

    public Optional<Operation> find(String id) {
        synchronized (recent) {
            return Optional.ofNullable(recent.get(id));
        }
    }

    public List<Operation> all() {
        synchronized (recent) {
            return new ArrayList<>(recent.values());
        }
    }

    /** What each operation reports to; not a listener bean itself, so it never receives its own fan-out. */
    private final class FanOut implements Operation.OperationListener {
        @Override
        public void event(Operation op, Operation.Event e) {
            listeners.forEach(l -> l.event(op, e));
        }

        @Override
        public void progress(Operation op, long newBytes) {
            listeners.forEach(l -> l.progress(op, newBytes));
        }

        @Override
        public void finished(Operation op) {
            listeners.forEach(l -> l.finished(op));
        }
    }
}
