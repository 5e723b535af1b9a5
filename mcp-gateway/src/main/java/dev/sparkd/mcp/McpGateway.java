package dev.sparkd.mcp;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.sparkd.mcp.access.ApiKeys;
import dev.sparkd.mcp.access.McpHttpGuard;
import dev.sparkd.mcp.access.Policy;
import dev.sparkd.mcp.access.RateLimiter;
import dev.sparkd.mcp.access.Sessions;
import dev.sparkd.mcp.audit.AuditEntry;
import dev.sparkd.mcp.audit.AuditLog;
import dev.sparkd.mcp.call.ToolCalls;
import dev.sparkd.mcp.catalog.Catalog;
import dev.sparkd.mcp.config.McpSettings;
import dev.sparkd.mcp.upstream.Upstream;
import dev.sparkd.mcp.upstream.UpstreamState;
import dev.sparkd.mcp.upstream.UpstreamSupervisor;
import dev.sparkd.core.config.SuiteConfig;
import io.micrometer.core.instrument.MeterRegistry;
import dev.sparkd.mcp.call.FeatureCalls;
import dev.sparkd.mcp.catalog.Features;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkiverse.mcp.server.JsonRpcErrorCodes;
import io.quarkiverse.mcp.server.McpConnection;
import io.quarkiverse.mcp.server.McpException;
import io.quarkiverse.mcp.server.PromptManager;
import io.quarkiverse.mcp.server.PromptResponse;
import io.quarkiverse.mcp.server.ResourceManager;
import io.quarkiverse.mcp.server.ResourceResponse;
import io.quarkiverse.mcp.server.ResourceTemplateManager;
import io.quarkiverse.mcp.server.ToolManager;
import dev.sparkd.mcp.upstream.UpstreamListener;
import io.quarkiverse.mcp.server.ToolResponse;
import io.quarkiverse.mcp.server.runtime.ConnectionManager;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Wires the gateway together: the upstream supervisor feeds the catalog, the catalog registers namespaced tools with
 * the downstream MCP server, the guard authenticates {@code /mcp}, and every call goes through {@link ToolCalls}.
 */
@ApplicationScoped
public class McpGateway {
    private static final Logger LOG = Logger.getLogger(McpGateway.class);
    /**
     * The extension declares the {@code tools} capability only when a tool exists at {@code initialize}; a client that
     * connects before any upstream is ready must still learn that the list can change. This tool is visible to
     * {@code initialize} only (see {@link CallerToolFilter}): never listed, never callable.
     */
    static final String ANCHOR_TOOL = "sparkd__gateway";
    /** The same, for the {@code prompts} and {@code resources} capabilities (see {@link CallerFeatureFilter}). */
    static final String ANCHOR_PROMPT = ANCHOR_TOOL;
    static final String ANCHOR_RESOURCE = "sparkd://gateway";

    private final McpSettings settings;
    private final ApiKeys keys;
    private final Sessions sessions = new Sessions();
    private final RateLimiter limiter = new RateLimiter();
    private final ToolManager toolManager;
    private final ConnectionManager connections;
    private final AuditLog audit;
    private final GatewayMetrics metrics;
    private final Catalog catalog;
    private final UpstreamSupervisor supervisor;
    private final ToolCalls calls;
    private final PromptManager promptManager;
    private final ResourceManager resourceManager;
    private final ResourceTemplateManager templateManager;
    private final Features features;
    private final FeatureCalls featureCalls;

    public McpGateway(SuiteConfig config, ToolManager toolManager, PromptManager promptManager, ResourceManager resourceManager,
            ResourceTemplateManager templateManager, ConnectionManager connections, AuditLog audit,
            MeterRegistry registry, @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.settings = config.section(McpSettings.class);
        this.keys = new ApiKeys(settings.keys().values());
        this.toolManager = toolManager;
        this.connections = connections;
        this.audit = audit;
        this.metrics = new GatewayMetrics(registry);
        this.catalog = new Catalog(new Catalog.Registry() {
            @Override
            public void register(Catalog.Entry e) {
                registerTool(e);
            }

            @Override
            public void remove(String exposed) {
                toolManager.removeTool(exposed);
            }
        });
        this.promptManager = promptManager;
        this.resourceManager = resourceManager;
        this.templateManager = templateManager;
        this.features = new Features(new FeatureRegistry());
        UpstreamListener listener = new UpstreamListener() {
            @Override
            public void toolsChanged(String server, List<McpSchema.Tool> tools) {
                catalog.toolsChanged(server, tools);
            }

            @Override
            public void promptsChanged(String server, List<McpSchema.Prompt> prompts) {
                features.promptsChanged(server, prompts);
            }

            @Override
            public void resourcesChanged(String server, List<McpSchema.Resource> resources, List<McpSchema.ResourceTemplate> templates) {
                features.resourcesChanged(server, resources, templates);
            }
        };
        this.supervisor = new UpstreamSupervisor(settings.servers().values(), listener, new UpstreamSupervisor.UpstreamEvents() {
            @Override
            public void restarted(String server) {
                metrics.restarted(server);
            }

            @Override
            public void stateChanged(String server, UpstreamState state) {
            }
        }, version);
        this.calls = new ToolCalls(supervisor, limiter, this::recorded);
        this.featureCalls = new FeatureCalls(supervisor);
    }

    void onStart(@Observes StartupEvent event) {
        metrics.upstreams(supervisor.all());
        metrics.sessions(sessions::size);
        toolManager.newTool(ANCHOR_TOOL).setDescription("sparkd mcp-gateway").setInputSchema(Map.of("type", "object"))
                .setHandler(args -> ToolResponse.error("not a tool")).register();
        promptManager.newPrompt(ANCHOR_PROMPT).setDescription("sparkd mcp-gateway")
                .setHandler(args -> {
                    throw new McpException("Invalid prompt name: " + ANCHOR_PROMPT, JsonRpcErrorCodes.INVALID_PARAMS);
                }).register();
        resourceManager.newResource("sparkd-gateway").setUri(ANCHOR_RESOURCE).setDescription("sparkd mcp-gateway")
                .setHandler(args -> {
                    throw notFound(ANCHOR_RESOURCE);
                }).register();
        if (settings.keys().isEmpty()) {
            LOG.warn("no [mcp.keys.<id>] configured: every request to /mcp is refused with 401 — create one with `mcp-gateway keys create <id>`");
        }
        supervisor.startAll();
    }

    void onStop(@Observes ShutdownEvent event) {
        supervisor.stopAll();
    }

    /** Runs the guard before every route; it only acts on {@code /mcp}. */
    void filters(@Observes Filters filters, @ConfigProperty(name = "quarkus.mcp.server.http.root-path", defaultValue = "/mcp") String path) {
        McpHttpGuard guard = new McpHttpGuard(keys, sessions, settings.allowedOrigins(), settings, path);
        filters.register(guard::handle, 200);
    }

    @Scheduled(every = "60s", delayed = "60s")
    void forgetClosedSessions() {
        sessions.retainOnly(connections::has);
    }

    private void registerTool(Catalog.Entry e) {
        var def = toolManager.newTool(e.exposed())
                .setDescription(e.tool().description() == null ? "" : e.tool().description())
                .setInputSchema(e.tool().inputSchema() == null ? Map.of("type", "object") : e.tool().inputSchema())
                .setAsyncHandler(args -> call(e.exposed(), args.connection(), args.args()));
        if (e.tool().title() != null) {
            def.setTitle(e.tool().title());
        }
        if (e.tool().outputSchema() != null) {
            def.setOutputSchema(e.tool().outputSchema());
        }
        def.register();
    }

    /** Registers and removes upstream prompts, resources and templates with the downstream server. */
    private final class FeatureRegistry implements Features.Registry {
        @Override
        public void register(Features.PromptEntry e) {
            var def = promptManager.newPrompt(e.exposed())
                    .setDescription(e.prompt().description() == null ? "" : e.prompt().description())
                    .setAsyncHandler(args -> getPrompt(e.exposed(), args.connection(), args.args()));
            if (e.prompt().title() != null) {
                def.setTitle(e.prompt().title());
            }
            if (e.prompt().arguments() != null) {
                e.prompt().arguments().forEach(a -> def.addArgument(a.name(), a.title(), a.description() == null ? "" : a.description(),
                        Boolean.TRUE.equals(a.required()), null));
            }
            guarded("prompt " + e.exposed(), def::register);
        }

        @Override
        public void removePrompt(String exposed) {
            promptManager.removePrompt(exposed);
        }

        @Override
        public void register(Features.ResourceEntry e) {
            McpSchema.Resource r = e.resource();
            var def = resourceManager.newResource(r.name()).setUri(r.uri())
                    .setDescription(r.description() == null ? "" : r.description())
                    .setAsyncHandler(args -> readResource(e.server(), args.connection(), args.requestUri().value()));
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
            resourceManager.removeResource(uri);
        }

        @Override
        public void register(Features.TemplateEntry e) {
            McpSchema.ResourceTemplate t = e.template();
            var def = templateManager.newResourceTemplate(e.exposed()).setUriTemplate(t.uriTemplate())
                    .setDescription(t.description() == null ? "" : t.description())
                    .setAsyncHandler(args -> readResource(e.server(), args.connection(), args.requestUri().value()));
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
            templateManager.removeResourceTemplate(exposed);
        }

        private void guarded(String what, Runnable register) {
            try {
                register.run();
            } catch (RuntimeException ex) {
                // e.g. a URI template the downstream server cannot match: that one item is left out, the rest stays
                LOG.warnf("%s is not exposed: %s", what, ex.getMessage());
            }
        }
    }

    private Uni<PromptResponse> getPrompt(String exposed, McpConnection connection, Map<String, String> args) {
        Optional<Features.PromptEntry> entry = features.prompt(exposed);
        if (entry.isEmpty() || !visible(connection, exposed)) {
            return Uni.createFrom().failure(new McpException("Invalid prompt name: " + exposed, JsonRpcErrorCodes.INVALID_PARAMS));
        }
        return featureCalls.getPrompt(entry.get().server(), entry.get().prompt().name(), args);
    }

    private Uni<ResourceResponse> readResource(String server, McpConnection connection, String uri) {
        if (!visible(connection, Features.policyName(server, uri))) {
            return Uni.createFrom().failure(notFound(uri));
        }
        return featureCalls.readResource(server, uri);
    }

    private static McpException notFound(String uri) {
        return new McpException("Resource not found: " + uri, JsonRpcErrorCodes.RESOURCE_NOT_FOUND);
    }

    private Uni<ToolResponse> call(String exposed, McpConnection connection, Map<String, Object> args) {
        Optional<Catalog.Entry> entry = catalog.get(exposed);
        if (entry.isEmpty()) {
            return Uni.createFrom().failure(new io.quarkiverse.mcp.server.McpException("Invalid tool name: " + exposed,
                    io.quarkiverse.mcp.server.JsonRpcErrorCodes.INVALID_PARAMS));
        }
        return calls.call(entry.get(), key(connection), args);
    }

    private void recorded(AuditEntry e) {
        metrics.call(e);
        audit.record(e);
    }

    Optional<McpSettings.ApiKey> key(McpConnection connection) {
        return connection == null ? Optional.empty()
                : sessions.keyOf(connection.id()).map(id -> settings.keys().get(id));
    }

    /** Whether the caller on {@code connection} may see {@code exposedName}. */
    boolean visible(McpConnection connection, String exposedName) {
        return key(connection).map(k -> Policy.allows(k, exposedName)).orElse(false);
    }

    public List<Upstream> upstreams() {
        return List.copyOf(supervisor.all());
    }

    public Optional<Upstream> upstream(String name) {
        return supervisor.get(name);
    }

    public Features features() {
        return features;
    }

    public Catalog catalog() {
        return catalog;
    }
}
