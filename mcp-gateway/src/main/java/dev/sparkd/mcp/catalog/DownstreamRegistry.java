package dev.sparkd.mcp.catalog;

import java.util.Map;

import org.jboss.logging.Logger;

import dev.sparkd.mcp.call.FeatureCalls;
import dev.sparkd.mcp.call.ToolCalls;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkiverse.mcp.server.JsonRpcErrorCodes;
import io.quarkiverse.mcp.server.McpException;
import io.quarkiverse.mcp.server.PromptManager;
import io.quarkiverse.mcp.server.ResourceManager;
import io.quarkiverse.mcp.server.ResourceTemplateManager;
import io.quarkiverse.mcp.server.ToolManager;
import io.quarkiverse.mcp.server.ToolResponse;
import io.quarkiverse.mcp.server.TransportHint;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The downstream side of {@link Catalog} and {@link Features}: registers and removes the exposed tools, prompts,
 * resources and templates with the MCP server (which pushes the {@code list_changed} notifications), each with a
 * handler that forwards to {@link ToolCalls} or {@link FeatureCalls}. Metadata passes through unchanged.
 * <p>
 * Application-scoped, so that others hold a proxy: the MCP server's managers need the caller filter, which needs
 * {@link Features}, which needs this registry, which needs the managers.
 */
@ApplicationScoped
public class DownstreamRegistry implements Catalog.Registry, Features.Registry {
    private static final Logger LOG = Logger.getLogger(DownstreamRegistry.class);
    /**
     * The extension declares the {@code tools} capability only when a tool exists at {@code initialize}; a client that
     * connects before any upstream is ready must still learn that the list can change. This tool is visible to
     * {@code initialize} only (see {@code CallerFilter}): never listed, never callable.
     */
    public static final String ANCHOR_TOOL = "sparkd__gateway";
    /** The same, for the {@code prompts} and {@code resources} capabilities. */
    public static final String ANCHOR_PROMPT = ANCHOR_TOOL;
    public static final String ANCHOR_RESOURCE = "sparkd://gateway";

    private final ToolManager tools;
    private final PromptManager prompts;
    private final ResourceManager resources;
    private final ResourceTemplateManager templates;
    private final ToolCalls toolCalls;
    private final FeatureCalls featureCalls;

    public DownstreamRegistry(ToolManager tools, PromptManager prompts, ResourceManager resources, ResourceTemplateManager templates,
            ToolCalls toolCalls, FeatureCalls featureCalls) {
        this.tools = tools;
        this.prompts = prompts;
        this.resources = resources;
        this.templates = templates;
        this.toolCalls = toolCalls;
        this.featureCalls = featureCalls;
    }

    void registerAnchors(@Observes StartupEvent event) {
        tools.newTool(ANCHOR_TOOL).setDescription("sparkd mcp-gateway").setInputSchema(Map.of("type", "object"))
                .setHandler(args -> ToolResponse.error("not a tool")).register();
        prompts.newPrompt(ANCHOR_PROMPT).setDescription("sparkd mcp-gateway")
                .setHandler(args -> {
                    throw new McpException("Invalid prompt name: " + ANCHOR_PROMPT, JsonRpcErrorCodes.INVALID_PARAMS);
                }).register();
        resources.newResource("sparkd-gateway").setUri(ANCHOR_RESOURCE).setDescription("sparkd mcp-gateway")
                .setHandler(args -> {
                    throw FeatureCalls.resourceNotFound(ANCHOR_RESOURCE);
                }).register();
    }

    @Override
    public void register(Catalog.Entry e) {
        McpSchema.Tool tool = e.tool();
        var def = tools.newTool(e.exposed())
                .setDescription(tool.description() == null ? "" : tool.description())
                .setInputSchema(tool.inputSchema() == null ? Map.of("type", "object") : tool.inputSchema())
                .setAsyncHandler(args -> toolCalls.call(e, args.connection(), args.args()))
                // one JSON answer, not an SSE stream: the gateway relays no progress, and the stream's framing cost
                // both sides of every call (bench/RESULTS.md, mcp-gateway)
                .addHint(TransportHint.STREAMABLE_HTTP_SKIP_SSE_INIT);
        if (tool.title() != null) {
            def.setTitle(tool.title());
        }
        if (tool.outputSchema() != null) {
            def.setOutputSchema(tool.outputSchema());
        }
        def.register();
    }

    @Override
    public void remove(String exposed) {
        tools.removeTool(exposed);
    }

    @Override
    public void register(Features.PromptEntry e) {
        McpSchema.Prompt p = e.prompt();
        var def = prompts.newPrompt(e.exposed())
                .setDescription(p.description() == null ? "" : p.description())
                .setAsyncHandler(args -> featureCalls.getPrompt(e, args.connection(), args.args()));
        if (p.title() != null) {
            def.setTitle(p.title());
        }
        if (p.arguments() != null) {
            p.arguments().forEach(a -> def.addArgument(a.name(), a.title(), a.description() == null ? "" : a.description(),
                    Boolean.TRUE.equals(a.required()), null));
        }
        guarded("prompt " + e.exposed(), def::register);
    }

    @Override
    public void removePrompt(String exposed) {
        prompts.removePrompt(exposed);
    }

    @Override
    public void register(Features.ResourceEntry e) {
        McpSchema.Resource r = e.resource();
        var def = resources.newResource(r.name()).setUri(r.uri())
                .setDescription(r.description() == null ? "" : r.description())
                .setAsyncHandler(args -> featureCalls.readResource(e.server(), args.connection(), args.requestUri().value()));
        if (r.title() != null) {
            def.setTitle(r.title());
        }
        if (r.mimeType() != null) {
            def.setMimeType(r.mimeType());
        }
        if (r.size() != null && r.size() <= Integer.MAX_VALUE) {
            def.setSize(r.size().intValue());
        }
        guarded("resource " + r.uri() + " of upstream " + e.server(), def::register);
    }

    @Override
    public void removeResource(String uri) {
        resources.removeResource(uri);
    }

    @Override
    public void register(Features.TemplateEntry e) {
        McpSchema.ResourceTemplate t = e.template();
        var def = templates.newResourceTemplate(e.exposed()).setUriTemplate(t.uriTemplate())
                .setDescription(t.description() == null ? "" : t.description())
                .setAsyncHandler(args -> featureCalls.readResource(e.server(), args.connection(), args.requestUri().value()));
        if (t.title() != null) {
            def.setTitle(t.title());
        }
        if (t.mimeType() != null) {
            def.setMimeType(t.mimeType());
        }
        guarded("resource template " + t.uriTemplate() + " of upstream " + e.server(), def::register);
    }

    @Override
    public void removeTemplate(String exposed) {
        templates.removeResourceTemplate(exposed);
    }

    private static void guarded(String what, Runnable register) {
        try {
            register.run();
        } catch (RuntimeException ex) {
            // e.g. a URI template the downstream server cannot match: that one item is left out, the rest stays
            LOG.warnf("%s is not exposed: %s", what, ex.getMessage());
        }
    }
}
