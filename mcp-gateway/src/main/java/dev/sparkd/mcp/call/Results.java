package dev.sparkd.mcp.call;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.spec.McpSchema;
import io.quarkiverse.mcp.server.AudioContent;
import io.quarkiverse.mcp.server.BlobResourceContents;
import io.quarkiverse.mcp.server.Content;
import io.quarkiverse.mcp.server.EmbeddedResource;
import io.quarkiverse.mcp.server.ImageContent;
import io.quarkiverse.mcp.server.MetaKey;
import io.quarkiverse.mcp.server.ResourceLink;
import io.quarkiverse.mcp.server.TextContent;
import io.quarkiverse.mcp.server.TextResourceContents;
import io.quarkiverse.mcp.server.ToolResponse;

/** Maps an upstream {@code tools/call} result onto the downstream server's types, content by content. */
final class Results {
    private Results() {
    }

    static ToolResponse toResponse(McpSchema.CallToolResult r) {
        List<Content> content = new ArrayList<>();
        if (r.content() != null) {
            for (McpSchema.Content c : r.content()) {
                content.add(content(c));
            }
        }
        return new ToolResponse(Boolean.TRUE.equals(r.isError()), content, r.structuredContent(), meta(r.meta()));
    }

    /**
     * The characters of a result's content (texts, base64 data, embedded resources): what the gateway would hold again
     * to answer downstream. Structured content is not counted (it mirrors the text content).
     */
    static long size(McpSchema.CallToolResult r) {
        long size = 0;
        if (r.content() != null) {
            for (McpSchema.Content c : r.content()) {
                size += size(c);
            }
        }
        return size;
    }

    private static long size(McpSchema.Content c) {
        if (c instanceof McpSchema.TextContent t) {
            return length(t.text());
        }
        if (c instanceof McpSchema.ImageContent i) {
            return length(i.data());
        }
        if (c instanceof McpSchema.AudioContent a) {
            return length(a.data());
        }
        if (c instanceof McpSchema.EmbeddedResource e) {
            return e.resource() instanceof McpSchema.BlobResourceContents b ? length(b.blob())
                    : length(((McpSchema.TextResourceContents) e.resource()).text());
        }
        return 0;
    }

    private static long length(String s) {
        return s == null ? 0 : s.length();
    }

    static Content content(McpSchema.Content c) {
        if (c instanceof McpSchema.TextContent t) {
            return new TextContent(t.text(), meta(t.meta()), null);
        }
        if (c instanceof McpSchema.ImageContent i) {
            return new ImageContent(i.data(), i.mimeType(), meta(i.meta()), null);
        }
        if (c instanceof McpSchema.AudioContent a) {
            return new AudioContent(a.data(), a.mimeType(), meta(a.meta()), null);
        }
        if (c instanceof McpSchema.EmbeddedResource e) {
            if (e.resource() instanceof McpSchema.BlobResourceContents b) {
                return new EmbeddedResource(new BlobResourceContents(b.uri(), b.blob(), b.mimeType(), meta(b.meta())), meta(e.meta()), null);
            }
            McpSchema.TextResourceContents t = (McpSchema.TextResourceContents) e.resource();
            return new EmbeddedResource(new TextResourceContents(t.uri(), t.text(), t.mimeType(), meta(t.meta())), meta(e.meta()), null);
        }
        if (c instanceof McpSchema.ResourceLink l) {
            return new ResourceLink(l.uri(), l.mimeType(), l.name(), l.title(), l.description(),
                    l.size() == null ? null : l.size().intValue(), meta(l.meta()), null);
        }
        return new TextContent(String.valueOf(c));
    }

    static Map<MetaKey, Object> meta(Map<String, Object> meta) {
        if (meta == null || meta.isEmpty()) {
            return null;
        }
        Map<MetaKey, Object> m = new LinkedHashMap<>();
        meta.forEach((k, v) -> m.put(MetaKey.from(k), v));
        return m;
    }
}
