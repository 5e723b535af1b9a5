package dev.sparkd.mcp.catalog;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jboss.logging.Logger;

/**
 * One kind of exposed feature (tools, prompts, resources or resource templates) as the downstream server sees it: the
 * entries by exposed key, replaced whole whenever an upstream's list changes, with only the difference applied
 * downstream. Entries that went or changed are removed first, then the new view is published, then the new or changed
 * ones are registered, so a registered name always finds its entry.
 */
final class ExposedView<E> {
    private static final Logger LOG = Logger.getLogger(ExposedView.class);

    private final BiPredicate<E, E> same;
    private final Consumer<String> remove;
    private final Consumer<E> register;
    private volatile Map<String, E> entries = Map.of();

    ExposedView(BiPredicate<E, E> same, Consumer<String> remove, Consumer<E> register) {
        this.same = same;
        this.remove = remove;
        this.register = register;
    }

    Map<String, E> entries() {
        return entries;
    }

    void replace(Map<String, E> next) {
        Map<String, E> previous = entries;
        previous.forEach((key, before) -> {
            E now = next.get(key);
            if (now == null || !same.test(before, now)) {
                remove.accept(key);
            }
        });
        entries = Collections.unmodifiableMap(next);
        next.forEach((key, now) -> {
            E before = previous.get(key);
            if (before == null || !same.test(before, now)) {
                register.accept(now);
            }
        });
    }

    /**
     * Replaces the view with every server's items exposed as {@code <server>__<name>} by the tool rules
     * ({@link ToolNames}); a rename not exposed before is logged, naming the {@code kind} of item.
     */
    <T> void replaceNamed(String kind, Map<String, List<T>> byServer, Function<T, String> nameOf, Function<Named<T>, E> entry) {
        Map<String, List<String>> names = new LinkedHashMap<>();
        Map<String, T> index = new HashMap<>();
        byServer.forEach((server, items) -> {
            names.put(server, items.stream().map(nameOf).toList());
            items.forEach(item -> index.put(server + "/" + nameOf.apply(item), item));
        });
        Map<String, E> next = new LinkedHashMap<>();
        for (ToolNames.Mapping m : ToolNames.map(names)) {
            if (m.renamed() != null && !entries.containsKey(m.exposed())) {
                LOG.warnf("%s %s of upstream %s is exposed as %s: %s", kind, m.tool(), m.server(), m.exposed(), m.renamed());
            }
            next.put(m.exposed(), entry.apply(new Named<>(m.exposed(), m.server(), index.get(m.server() + "/" + m.tool()), m.renamed())));
        }
        replace(next);
    }

    /** An upstream item under the name it is exposed as; {@code renamed} says why when that is not {@code <server>__<name>}. */
    record Named<T>(String exposed, String server, T item, String renamed) {
    }

    /** Keeps {@code server}'s list in {@code byServer}; an empty or missing list removes the server. */
    static <T> void hold(Map<String, List<T>> byServer, String server, List<T> list) {
        if (list == null || list.isEmpty()) {
            byServer.remove(server);
        } else {
            byServer.put(server, List.copyOf(list));
        }
    }
}
