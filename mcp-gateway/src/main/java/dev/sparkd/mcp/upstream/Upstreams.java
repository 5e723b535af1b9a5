package dev.sparkd.mcp.upstream;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.sparkd.mcp.config.McpSettings;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The configured upstream MCP servers, in config order, each with what the gateway knows about it. Fixed at start;
 * the {@link UpstreamSupervisor} changes their state, everyone else reads it.
 */
@Singleton
public class Upstreams {
    private final Map<String, Upstream> byName = new LinkedHashMap<>();

    @Inject
    public Upstreams(McpSettings settings) {
        this(settings.servers().values());
    }

    Upstreams(Collection<McpSettings.Server> servers) {
        servers.forEach(s -> byName.put(s.name(), new Upstream(s)));
    }

    public Collection<Upstream> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    public Optional<Upstream> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
