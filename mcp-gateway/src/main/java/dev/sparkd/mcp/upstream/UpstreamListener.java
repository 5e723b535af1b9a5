package dev.sparkd.mcp.upstream;

import java.util.List;

import io.modelcontextprotocol.spec.McpSchema;

/**
 * Told when an upstream's tool, prompt or resource lists change (ready, list_changed, gone). Every bean implementing it
 * is told, on the supervisor's worker pool.
 */
public interface UpstreamListener {
    default void toolsChanged(String server, List<McpSchema.Tool> tools) {
    }

    default void promptsChanged(String server, List<McpSchema.Prompt> prompts) {
    }

    default void resourcesChanged(String server, List<McpSchema.Resource> resources, List<McpSchema.ResourceTemplate> templates) {
    }
}
