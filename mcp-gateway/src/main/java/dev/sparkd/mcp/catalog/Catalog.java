package dev.sparkd.mcp.catalog;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

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
    /** What an exposed name routes to. */
    public record Entry(String exposed, String server, McpSchema.Tool tool, String renamed) {
    }

    /** The downstream side: register and remove exposed tools. */
    public interface Registry {
        void register(Entry entry);

        void remove(String exposed);
    }

    private final Map<String, List<McpSchema.Tool>> byServer = new TreeMap<>();
    private final ExposedView<Entry> entries;

    public Catalog(Registry registry) {
        this.entries = new ExposedView<>(Catalog::same, registry::remove, registry::register);
    }

    @Override
    public synchronized void toolsChanged(String server, List<McpSchema.Tool> tools) {
        ExposedView.hold(byServer, server, tools);
        entries.replaceNamed("tool", byServer, McpSchema.Tool::name, n -> new Entry(n.exposed(), n.server(), n.item(), n.renamed()));
    }

    private static boolean same(Entry a, Entry b) {
        return a.server().equals(b.server()) && Objects.equals(a.tool(), b.tool());
    }

    public Optional<Entry> get(String exposed) {
        return Optional.ofNullable(entries.entries().get(exposed));
    }

    public List<Entry> ofServer(String server) {
        return entries.entries().values().stream().filter(e -> e.server().equals(server)).sorted((a, b) -> a.exposed().compareTo(b.exposed())).toList();
    }

    public Map<String, Entry> all() {
        return entries.entries();
    }

}
