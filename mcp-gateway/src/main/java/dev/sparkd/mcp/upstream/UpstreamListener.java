package dev.sparkd.mcp.upstream;

import java.util.List;

import io.modelcontextprotocol.spec.McpSchema;

/** Told when an upstream's tool list changes (ready, list_changed, gone). */
public interface UpstreamListener {
    void toolsChanged(String server, List<McpSchema.Tool> tools);
}
