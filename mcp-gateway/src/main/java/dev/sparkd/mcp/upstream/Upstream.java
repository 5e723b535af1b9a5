package dev.sparkd.mcp.upstream;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sparkd.mcp.config.McpSettings;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * One configured upstream MCP server and what the gateway knows about it. Mutated only by {@link UpstreamSupervisor}
 * (on the {@link SupervisorWork} pool); read from anywhere, hence the volatile fields and the immutable snapshots.
 */
public final class Upstream {
    private final McpSettings.Server settings;
    private final AtomicInteger restarts = new AtomicInteger();
    volatile UpstreamState state = UpstreamState.STARTING;
    volatile String reason;
    volatile String protocolVersion;
    volatile McpSchema.Implementation serverInfo;
    volatile List<McpSchema.Tool> tools = List.of();
    volatile List<McpSchema.Prompt> prompts = List.of();
    volatile List<McpSchema.Resource> resources = List.of();
    volatile List<McpSchema.ResourceTemplate> templates = List.of();
    volatile McpSchema.ServerCapabilities capabilities;
    volatile McpAsyncClient client;
    volatile StdioTransport stdio;
    volatile Instant since = Instant.now();
    /** Bumped on every (re)start, so late callbacks of an older process are ignored. */
    volatile int generation;
    int failures;

    Upstream(McpSettings.Server settings) {
        this.settings = settings;
    }

    public String name() {
        return settings.name();
    }

    public McpSettings.Server settings() {
        return settings;
    }

    public UpstreamState state() {
        return state;
    }

    /** Why the server is failed or restarting; null when ready. Never contains a credential. */
    public String reason() {
        return reason;
    }

    public String protocolVersion() {
        return protocolVersion;
    }

    public McpSchema.Implementation serverInfo() {
        return serverInfo;
    }

    public List<McpSchema.Tool> tools() {
        return tools;
    }

    public List<McpSchema.Prompt> prompts() {
        return prompts;
    }

    public List<McpSchema.Resource> resources() {
        return resources;
    }

    public List<McpSchema.ResourceTemplate> resourceTemplates() {
        return templates;
    }

    public McpAsyncClient client() {
        return client;
    }

    public int restarts() {
        return restarts.get();
    }

    int countRestart() {
        return restarts.incrementAndGet();
    }

    public Instant since() {
        return since;
    }

    /** PID of a running stdio server (its process group id), or -1. */
    public long pid() {
        StdioTransport t = stdio;
        return t == null ? -1 : t.pid();
    }

    void state(UpstreamState next, String why) {
        state = next;
        reason = why;
        since = Instant.now();
    }
}
