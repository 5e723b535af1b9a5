package dev.sparkd.mcp.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.sparkd.mcp.config.McpSettings;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.arc.All;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

/**
 * Starts every configured upstream, keeps one initialized session per upstream, and restarts a server that exits or
 * cannot be reached, with exponential backoff (1 s doubling to 30 s). All blocking work — process start, initialize,
 * reading lists, stopping process groups — runs through {@link SupervisorWork}, never on an event loop. Pings of
 * remote servers are non-blocking: a Reactor {@code Mono} bridged into a {@link Uni}.
 */
@Singleton
public class UpstreamSupervisor {
    private static final Logger LOG = Logger.getLogger(UpstreamSupervisor.class);
    static final Duration INIT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    static final Duration PING_TIMEOUT = Duration.ofSeconds(10);
    /** Variables a stdio server gets without asking: enough for {@code node}/{@code npx} to find themselves. */

    private final Upstreams upstreams;
    private final List<UpstreamListener> listeners;
    private final SupervisorWork work;
    private final String version;
    private final Vertx vertx;
    private final McpJsonMapper json = McpJsonDefaults.getMapper();
    private volatile boolean stopping;

    public UpstreamSupervisor(Upstreams upstreams, @All List<UpstreamListener> listeners, SupervisorWork work, Vertx vertx,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.upstreams = upstreams;
        this.listeners = List.copyOf(listeners);
        this.work = work;
        this.vertx = vertx;
        this.version = version;
    }

    void onStart(@Observes StartupEvent event) {
        startAll();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopAll();
    }

    public void startAll() {
        upstreams.all().forEach(u -> work.run(() -> start(u)));
    }

    private void start(Upstream u) {
        if (stopping) {
            return;
        }
        int generation = ++u.generation;
        McpSettings.Server s = u.settings();
        try {
            McpClientTransport transport = transport(u, generation);
            McpAsyncClient client = McpClient.async(transport)
                    .requestTimeout(s.callTimeout())
                    .initializationTimeout(INIT_TIMEOUT)
                    .clientInfo(new McpSchema.Implementation("sparkd-mcp-gateway", version))
                    // no roots, sampling or elicitation: one shared session cannot answer for a particular caller,
                    // and a filesystem server would replace its configured directories with our roots
                    .capabilities(McpSchema.ClientCapabilities.builder().build())
                    .toolsChangeConsumer(tools -> Mono.fromRunnable(() -> work.run(() -> toolsChanged(u, generation, tools))))
                    .promptsChangeConsumer(prompts -> Mono.fromRunnable(() -> work.run(() -> reread(u, generation, c -> promptsChanged(u, c)))))
                    .resourcesChangeConsumer(resources -> Mono.fromRunnable(() -> work.run(() -> reread(u, generation, c -> resourcesChanged(u, c)))))
                    .build();
            u.client = client;
            McpSchema.InitializeResult init = client.initialize().block(INIT_TIMEOUT.plusSeconds(5));
            McpSchema.ListToolsResult listed = client.listTools().block(INIT_TIMEOUT);
            if (generation != u.generation || stopping) {
                return;
            }
            u.protocolVersion = init.protocolVersion();
            u.serverInfo = init.serverInfo();
            u.tools = listed == null || listed.tools() == null ? List.of() : List.copyOf(listed.tools());
            u.capabilities = init.capabilities();
            u.prompts = listPrompts(u, client);
            u.resources = listResources(u, client);
            u.templates = listTemplates(u, client);
            u.failures = 0;
            u.state(UpstreamState.READY, null);
            LOG.infof("upstream %s: ready (%s %s, protocol %s, %d tools)", u.name(), init.serverInfo().name(),
                    init.serverInfo().version(), init.protocolVersion(), u.tools.size());
            tools(u.name(), u.tools);
            prompts(u.name(), u.prompts);
            resources(u.name(), u.resources, u.templates);
        } catch (RuntimeException e) {
            if (generation != u.generation || stopping) {
                return;
            }
            String why = describe(e);
            LOG.warnf("upstream %s: could not start: %s", u.name(), why);
            u.state(UpstreamState.FAILED, why);
            retire(u);
            scheduleRestart(u);
        }
    }

    private McpClientTransport transport(Upstream u, int generation) {
        McpSettings.Server s = u.settings();
        if (!s.stdio()) {
            return UpstreamTransports.remote(s, json, vertx);
        }
        StdioTransport t = UpstreamTransports.stdio(s, json,
                exit -> work.run(() -> crashed(u, generation, "process exited with status " + exit)));
        u.stdio = t;
        return t;
    }

    private void toolsChanged(Upstream u, int generation, List<McpSchema.Tool> tools) {
        if (generation != u.generation || u.state != UpstreamState.READY) {
            return;
        }
        u.tools = tools == null ? List.of() : List.copyOf(tools);
        LOG.infof("upstream %s: tool list changed (%d tools)", u.name(), u.tools.size());
        tools(u.name(), u.tools);
    }

    /** Reads a list again after the upstream said it changed, unless the session that said so is no longer the ready one. */
    private static void reread(Upstream u, int generation, Consumer<McpAsyncClient> read) {
        McpAsyncClient c = u.client;
        if (generation == u.generation && u.state == UpstreamState.READY && c != null) {
            read.accept(c);
        }
    }

    private void promptsChanged(Upstream u, McpAsyncClient c) {
        u.prompts = listPrompts(u, c);
        LOG.infof("upstream %s: prompt list changed (%d prompts)", u.name(), u.prompts.size());
        prompts(u.name(), u.prompts);
    }

    private void resourcesChanged(Upstream u, McpAsyncClient c) {
        u.resources = listResources(u, c);
        u.templates = listTemplates(u, c);
        LOG.infof("upstream %s: resource list changed (%d resources, %d templates)", u.name(), u.resources.size(), u.templates.size());
        resources(u.name(), u.resources, u.templates);
    }

    /*
     * The lists below are read whole, page by page (nextCursor), on the supervisor's thread. A server without the
     * capability has none; one that fails to list keeps its tools and is reported, with an empty list.
     */
    private List<McpSchema.Prompt> listPrompts(Upstream u, McpAsyncClient c) {
        return pages(u, "prompts", u.capabilities != null && u.capabilities.prompts() != null, c::listPrompts,
                McpSchema.ListPromptsResult::prompts, McpSchema.ListPromptsResult::nextCursor);
    }

    private List<McpSchema.Resource> listResources(Upstream u, McpAsyncClient c) {
        return pages(u, "resources", u.capabilities != null && u.capabilities.resources() != null, c::listResources,
                McpSchema.ListResourcesResult::resources, McpSchema.ListResourcesResult::nextCursor);
    }

    private List<McpSchema.ResourceTemplate> listTemplates(Upstream u, McpAsyncClient c) {
        return pages(u, "resource templates", u.capabilities != null && u.capabilities.resources() != null, c::listResourceTemplates,
                McpSchema.ListResourceTemplatesResult::resourceTemplates, McpSchema.ListResourceTemplatesResult::nextCursor);
    }

    /** At most this many pages per list, so a server that keeps returning a cursor cannot hold the thread. */
    static final int MAX_PAGES = 100;

    /**
     * Reads a whole list, page by page: {@code list} asks for the page after a cursor (null: the first), {@code items}
     * and {@code next} read a page. A server that does not offer the capability has none.
     */
    private static <R, T> List<T> pages(Upstream u, String what, boolean offered, Function<String, Mono<R>> list,
            Function<R, List<T>> items, Function<R, String> next) {
        if (!offered) {
            return List.of();
        }
        List<T> all = new ArrayList<>();
        String cursor = null;
        try {
            for (int i = 0; i < MAX_PAGES; i++) {
                R page = list.apply(cursor).block(INIT_TIMEOUT);
                List<T> pageItems = page == null ? null : items.apply(page);
                if (pageItems != null) {
                    all.addAll(pageItems);
                }
                cursor = page == null ? null : next.apply(page);
                if (cursor == null || cursor.isEmpty()) {
                    return List.copyOf(all);
                }
            }
            LOG.warnf("upstream %s: %s list still had a next page after %d pages; keeping the first %d", u.name(), what, MAX_PAGES, all.size());
            return List.copyOf(all);
        } catch (RuntimeException e) {
            LOG.warnf("upstream %s: could not list %s: %s", u.name(), what, describe(e));
            return List.of();
        }
    }

    private void crashed(Upstream u, int generation, String why) {
        if (generation != u.generation || stopping) {
            return;
        }
        LOG.warnf("upstream %s: %s; restarting", u.name(), why);
        u.state(UpstreamState.RESTARTING, why);
        u.generation++;
        retire(u);
        scheduleRestart(u);
    }

    /** Remote upstreams have no process to watch: a failed or unanswered ping counts as a crash. */
    @Scheduled(every = "15s", delayed = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void pingRemotes() {
        for (Upstream u : upstreams.all()) {
            McpAsyncClient c = u.client;
            if (u.state != UpstreamState.READY || c == null || u.settings().stdio()) {
                continue;
            }
            int generation = u.generation;
            Uni.createFrom().completionStage(() -> c.ping().toFuture())
                    .ifNoItem().after(PING_TIMEOUT).failWith(() -> new TimeoutException("no answer within " + PING_TIMEOUT.toSeconds() + " s"))
                    .subscribe().with(ok -> {
                    }, e -> work.run(() -> crashed(u, generation, "ping failed: " + describe(e))));
        }
    }

    private void scheduleRestart(Upstream u) {
        if (stopping) {
            return;
        }
        Duration delay = Duration.ofMillis(Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(u.failures, 5)));
        u.failures++;
        work.after(delay, () -> {
            if (stopping) {
                return;
            }
            if (u.state != UpstreamState.RESTARTING) {
                u.state(UpstreamState.RESTARTING, u.reason);
            }
            u.countRestart();
            start(u);
        });
    }

    /** Drops the tools of an upstream that is gone and ends its session and processes. */
    private void retire(Upstream u) {
        u.tools = List.of();
        u.prompts = List.of();
        u.resources = List.of();
        u.templates = List.of();
        tools(u.name(), List.of());
        prompts(u.name(), List.of());
        resources(u.name(), List.of(), List.of());
        McpAsyncClient c = u.client;
        u.client = null;
        StdioTransport t = u.stdio;
        u.stdio = null;
        if (c != null) {
            try {
                c.closeGracefully().block(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debugf("upstream %s: close: %s", u.name(), e.getMessage());
            }
        }
        if (t != null) {
            t.stop();
        }
    }

    /** Ends every session and every child process group; returns when they are gone. Blocking. */
    public void stopAll() {
        stopping = true;
        // in parallel: each stop may wait seconds for a process group to exit
        upstreams.all().parallelStream().forEach(u -> {
            u.generation++;
            retireQuietly(u);
            u.state(UpstreamState.STOPPED, null);
        });
    }

    private void retireQuietly(Upstream u) {
        McpAsyncClient c = u.client;
        u.client = null;
        StdioTransport t = u.stdio;
        u.stdio = null;
        if (t != null) {
            t.stop();
        }
        if (c != null) {
            try {
                c.closeGracefully().block(Duration.ofSeconds(3));
            } catch (RuntimeException e) {
                // shutting down
            }
        }
    }

    private void tools(String server, List<McpSchema.Tool> tools) {
        listeners.forEach(l -> l.toolsChanged(server, tools));
    }

    private void prompts(String server, List<McpSchema.Prompt> prompts) {
        listeners.forEach(l -> l.promptsChanged(server, prompts));
    }

    private void resources(String server, List<McpSchema.Resource> resources, List<McpSchema.ResourceTemplate> templates) {
        listeners.forEach(l -> l.resourcesChanged(server, resources, templates));
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        return root.getClass().getSimpleName() + (msg == null ? "" : ": " + (msg.length() > 300 ? msg.substring(0, 300) : msg));
    }
}
