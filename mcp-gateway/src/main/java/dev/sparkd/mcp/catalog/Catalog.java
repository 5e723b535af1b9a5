package dev.sparkd.mcp.catalog;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import dev.sparkd.mcp.upstream.UpstreamListener;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.inject.Singleton;

/**
 * The merged tool list. Holds each upstream's tools, recomputes the exposed names when any list changes, and applies
 * the difference to the downstream server through a {@link Registry} (which pushes
 * {@code notifications/tools/list_changed} to connected clients). Input and output schemas pass through unchanged.
 */
@Singleton
public class Catalog implements UpstreamListener {
    private static final Logger LOG = Logger.getLogger(Catalog.class);

    /** What an exposed name routes to. */
    public record Entry(String exposed, String server, McpSchema.Tool tool, String renamed) {
    }

    /** The downstream side: register and remove exposed tools. */
    public interface Registry {
        void register(Entry entry);

        void remove(String exposed);
    }

    private final Registry registry;
    private final Map<String, List<McpSchema.Tool>> byServer = new TreeMap<>();
    private volatile Map<String, Entry> entries = Map.of();

    public Catalog(Registry registry) {
        this.registry = registry;
    }

    @Override
    public synchronized void toolsChanged(String server, List<McpSchema.Tool> tools) {
        if (tools.isEmpty()) {
            byServer.remove(server);
        } else {
            byServer.put(server, List.copyOf(tools));
        }
        Map<String, List<String>> names = new TreeMap<>();
        Map<String, McpSchema.Tool> index = new HashMap<>();
        byServer.forEach((s, ts) -> {
            names.put(s, ts.stream().map(McpSchema.Tool::name).toList());
            ts.forEach(t -> index.put(s + "/" + t.name(), t));
        });
        Map<String, Entry> next = new LinkedHashMap<>();
        for (ToolNames.Mapping m : ToolNames.map(names)) {
            next.put(m.exposed(), new Entry(m.exposed(), m.server(), index.get(m.server() + "/" + m.tool()), m.renamed()));
            if (m.renamed() != null && !entries.containsKey(m.exposed())) {
                LOG.warnf("tool %s of upstream %s is exposed as %s: %s", m.tool(), m.server(), m.exposed(), m.renamed());
            }
        }
        Map<String, Entry> previous = entries;
        for (String gone : previous.keySet()) {
            Entry now = next.get(gone);
            if (now == null || !same(previous.get(gone), now)) {
                registry.remove(gone);
            }
        }
        entries = Map.copyOf(next);
        for (Entry e : next.values()) {
            Entry before = previous.get(e.exposed());
            if (before == null || !same(before, e)) {
                registry.register(e);
            }
        }
    }

    private static boolean same(Entry a, Entry b) {
        return a.server().equals(b.server()) && Objects.equals(a.tool(), b.tool());
    }

    public Optional<Entry> get(String exposed) {
        return Optional.ofNullable(entries.get(exposed));
    }

    public List<Entry> ofServer(String server) {
        return entries.values().stream().filter(e -> e.server().equals(server)).sorted((a, b) -> a.exposed().compareTo(b.exposed())).toList();
    }

    public Map<String, Entry> all() {
        return entries;
    }

}
