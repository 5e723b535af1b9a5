package dev.sparkd.simulator.fault;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The faults active on one service or host, at most one per type. Thread-safe: the control API, the Java API and the
 * servers' event loops all touch it. Listeners hear every change so a server can close or reopen its port at once.
 */
public final class FaultSet {
    private final FaultType.Scope scope;
    private final Map<FaultType, Fault> active = new EnumMap<>(FaultType.class);
    private final List<Consumer<FaultType>> listeners = new CopyOnWriteArrayList<>();

    public FaultSet(FaultType.Scope scope) {
        this.scope = scope;
    }

    /** Activates {@code fault}, replacing one of the same type. */
    public void set(Fault fault) {
        if (!fault.type().appliesTo(scope)) {
            throw new IllegalArgumentException("fault '" + fault.type().wireName() + "' does not apply to a "
                    + scope.name().toLowerCase());
        }
        synchronized (this) {
            active.put(fault.type(), fault);
        }
        fire(fault.type());
    }

    public void clear(FaultType type) {
        boolean removed;
        synchronized (this) {
            removed = active.remove(type) != null;
        }
        if (removed) {
            fire(type);
        }
    }

    /** Clears {@code type} only if {@code fault} is still the active one (timers must not clear a newer fault). */
    public void clearIfSame(Fault fault) {
        boolean removed;
        synchronized (this) {
            removed = active.get(fault.type()) == fault && active.remove(fault.type()) != null;
        }
        if (removed) {
            fire(fault.type());
        }
    }

    public void clearAll() {
        List<FaultType> removed;
        synchronized (this) {
            removed = new ArrayList<>(active.keySet());
            active.clear();
        }
        removed.forEach(this::fire);
    }

    public synchronized Optional<Fault> get(FaultType type) {
        return Optional.ofNullable(active.get(type));
    }

    public synchronized boolean has(FaultType type) {
        return active.containsKey(type);
    }

    public synchronized List<Fault> all() {
        return List.copyOf(active.values());
    }

    /** Called with the type of every fault set or cleared, on the caller's thread. */
    public void onChange(Consumer<FaultType> listener) {
        listeners.add(listener);
    }

    private void fire(FaultType type) {
        for (Consumer<FaultType> l : listeners) {
            l.accept(type);
        }
    }
}
