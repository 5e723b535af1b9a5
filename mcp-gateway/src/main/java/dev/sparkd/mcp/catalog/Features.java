package dev.sparkd.mcp.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import dev.sparkd.mcp.upstream.UpstreamListener;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.inject.Singleton;

/**
 * The merged prompt, resource and resource-template lists, kept like {@link Catalog} keeps tools: each upstream's
 * lists are held, the exposed view is recomputed on every change, and only the difference is applied to the
 * downstream server through a {@link Registry} (which pushes {@code notifications/prompts/list_changed} and
 * {@code notifications/resources/list_changed}).
 * <ul>
 * <li>Prompts are exposed as {@code <server>__<prompt>}, named by the same rules as tools ({@link ToolNames}).</li>
 * <li>Resources keep their URI. A URI belongs to the first upstream, in server-name order, that lists it; the same URI
 * from a later upstream is hidden and reported once. Resource templates follow the same rule on their URI template and
 * are exposed under the name {@code <server>__<name>} (the downstream server keys templates by name).</li>
 * </ul>
 */
@Singleton
public class Features implements UpstreamListener {
    private static final Logger LOG = Logger.getLogger(Features.class);

    public record PromptEntry(String exposed, String server, McpSchema.Prompt prompt) {
    }

    public record ResourceEntry(String uri, String server, McpSchema.Resource resource) {
    }

    public record TemplateEntry(String exposed, String server, McpSchema.ResourceTemplate template) {
    }

    /** The downstream side. */
    public interface Registry {
        void register(PromptEntry e);

        void removePrompt(String exposed);

        void register(ResourceEntry e);

        void removeResource(String uri);

        void register(TemplateEntry e);

        void removeTemplate(String exposed);
    }

    private final Registry registry;
    private final Map<String, List<McpSchema.Prompt>> prompts = new TreeMap<>();
    private final Map<String, List<McpSchema.Resource>> resources = new TreeMap<>();
    private final Map<String, List<McpSchema.ResourceTemplate>> templates = new TreeMap<>();
    private final Set<String> reported = new HashSet<>();
    private volatile Map<String, PromptEntry> promptEntries = Map.of();
    private volatile Map<String, ResourceEntry> resourceEntries = Map.of();
    private volatile Map<String, TemplateEntry> templateEntries = Map.of();

    public Features(Registry registry) {
        this.registry = registry;
    }

    @Override
    public synchronized void promptsChanged(String server, List<McpSchema.Prompt> list) {
        put(prompts, server, list);
        Map<String, List<String>> names = new TreeMap<>();
        Map<String, McpSchema.Prompt> index = new HashMap<>();
        prompts.forEach((s, ps) -> {
            names.put(s, ps.stream().map(McpSchema.Prompt::name).toList());
            ps.forEach(p -> index.put(s + "/" + p.name(), p));
        });
        Map<String, PromptEntry> next = new LinkedHashMap<>();
        for (ToolNames.Mapping m : ToolNames.map(names)) {
            next.put(m.exposed(), new PromptEntry(m.exposed(), m.server(), index.get(m.server() + "/" + m.tool())));
            if (m.renamed() != null && !promptEntries.containsKey(m.exposed())) {
                LOG.warnf("prompt %s of upstream %s is exposed as %s: %s", m.tool(), m.server(), m.exposed(), m.renamed());
            }
        }
        Map<String, PromptEntry> previous = promptEntries;
        previous.forEach((k, before) -> {
            PromptEntry now = next.get(k);
            if (now == null || !now.server().equals(before.server()) || !Objects.equals(now.prompt(), before.prompt())) {
                registry.removePrompt(k);
            }
        });
        promptEntries = Collections.unmodifiableMap(next);
        next.forEach((k, now) -> {
            PromptEntry before = previous.get(k);
            if (before == null || !now.server().equals(before.server()) || !Objects.equals(now.prompt(), before.prompt())) {
                registry.register(now);
            }
        });
    }

    @Override
    public synchronized void resourcesChanged(String server, List<McpSchema.Resource> rs, List<McpSchema.ResourceTemplate> ts) {
        put(resources, server, rs);
        put(templates, server, ts);

        Map<String, ResourceEntry> nextResources = new LinkedHashMap<>();
        resources.forEach((s, list) -> list.forEach(r -> {
            ResourceEntry owner = nextResources.get(r.uri());
            if (owner == null) {
                nextResources.put(r.uri(), new ResourceEntry(r.uri(), s, r));
            } else if (!owner.server().equals(s)) {
                collision("resource " + r.uri(), s, owner.server());
            }
        }));
        Map<String, ResourceEntry> previousResources = resourceEntries;
        previousResources.forEach((uri, before) -> {
            ResourceEntry now = nextResources.get(uri);
            if (now == null || !now.equals(before)) {
                registry.removeResource(uri);
            }
        });
        resourceEntries = Collections.unmodifiableMap(nextResources);
        nextResources.forEach((uri, now) -> {
            if (!now.equals(previousResources.get(uri))) {
                registry.register(now);
            }
        });

        Map<String, String> templateOwner = new HashMap<>();
        Map<String, List<String>> names = new TreeMap<>();
        Map<String, McpSchema.ResourceTemplate> index = new HashMap<>();
        templates.forEach((s, list) -> list.forEach(t -> {
            String owner = templateOwner.putIfAbsent(t.uriTemplate(), s);
            if (owner == null) {
                names.computeIfAbsent(s, x -> new ArrayList<>()).add(t.name());
                index.put(s + "/" + t.name(), t);
            } else if (!owner.equals(s)) {
                collision("resource template " + t.uriTemplate(), s, owner);
            }
        }));
        Map<String, TemplateEntry> nextTemplates = new LinkedHashMap<>();
        for (ToolNames.Mapping m : ToolNames.map(names)) {
            nextTemplates.put(m.exposed(), new TemplateEntry(m.exposed(), m.server(), index.get(m.server() + "/" + m.tool())));
        }
        Map<String, TemplateEntry> previousTemplates = templateEntries;
        previousTemplates.forEach((k, before) -> {
            if (!before.equals(nextTemplates.get(k))) {
                registry.removeTemplate(k);
            }
        });
        templateEntries = Collections.unmodifiableMap(nextTemplates);
        nextTemplates.forEach((k, now) -> {
            if (!now.equals(previousTemplates.get(k))) {
                registry.register(now);
            }
        });
    }

    private void collision(String what, String hidden, String owner) {
        if (reported.add(what + " " + hidden)) {
            LOG.warnf("%s of upstream %s is hidden: upstream %s (first in server-name order) already exposes it", what, hidden, owner);
        }
    }

    private static <T> void put(Map<String, List<T>> byServer, String server, List<T> list) {
        if (list == null || list.isEmpty()) {
            byServer.remove(server);
        } else {
            byServer.put(server, List.copyOf(list));
        }
    }

    public Optional<PromptEntry> prompt(String exposed) {
        return Optional.ofNullable(promptEntries.get(exposed));
    }

    public Optional<ResourceEntry> resource(String uri) {
        return Optional.ofNullable(resourceEntries.get(uri));
    }

    public Optional<TemplateEntry> template(String exposed) {
        return Optional.ofNullable(templateEntries.get(exposed));
    }

    public Map<String, PromptEntry> prompts() {
        return promptEntries;
    }

    public Map<String, ResourceEntry> resources() {
        return resourceEntries;
    }

    public Map<String, TemplateEntry> templates() {
        return templateEntries;
    }

    /** The name the per-key allow/deny globs are matched against for a resource or template: {@code <server>__<uri>}. */
    public static String policyName(String server, String uri) {
        return server + ToolNames.SEPARATOR + uri;
    }
}
