package dev.sparkd.simulator.host;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The containers of one simulated host, as the docker daemon knows them: unique names, 64-hex ids, lookup by name or
 * by any unique id prefix (docker accepts both). Thread-safe: the SSH side adds and removes, backends update state.
 */
public final class Containers {
    private final Images images = new Images();

    /** The daemon's local images ({@code docker run} pulls a missing one first). */
    public Images images() {
        return images;
    }

    private final Map<String, Container> byId = new LinkedHashMap<>();

    /** Registers {@code container}; false (nothing changed) if its name is already taken. */
    public synchronized boolean add(Container container) {
        if (byName(container.spec().name()).isPresent()) {
            return false;
        }
        byId.put(container.id(), container);
        return true;
    }

    public synchronized boolean remove(Container container) {
        return byId.remove(container.id(), container);
    }

    public synchronized Optional<Container> byName(String name) {
        String bare = name.startsWith("/") ? name.substring(1) : name;
        return byId.values().stream().filter(c -> c.spec().name().equals(bare)).findFirst();
    }

    /**
     * What docker resolves a reference to: an exact name first, then a full id, then a unique id prefix. An
     * ambiguous prefix finds nothing, as in docker (which reports it as an error of its own).
     */
    public synchronized Optional<Container> find(String reference) {
        if (reference == null || reference.isEmpty()) {
            return Optional.empty();
        }
        Optional<Container> named = byName(reference);
        if (named.isPresent()) {
            return named;
        }
        Container exact = byId.get(reference);
        if (exact != null) {
            return Optional.of(exact);
        }
        List<Container> prefixed = byId.values().stream().filter(c -> c.id().startsWith(reference)).toList();
        return prefixed.size() == 1 ? Optional.of(prefixed.get(0)) : Optional.empty();
    }

    /** Every container, newest first (the order {@code docker ps} lists them in). */
    public synchronized List<Container> list() {
        List<Container> all = new ArrayList<>(byId.values());
        Collections.reverse(all);
        return all;
    }

    public List<Container> running() {
        return list().stream().filter(c -> c.status() == Container.Status.RUNNING).toList();
    }
}
