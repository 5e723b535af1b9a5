package dev.sparkd.mcp.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    private final Map<String, List<McpSchema.Prompt>> prompts = new TreeMap<>();
    private final Map<String, List<McpSchema.Resource>> resources = new TreeMap<>();
    private final Map<String, List<McpSchema.ResourceTemplate>> templates = new TreeMap<>();
    private final Set<String> reported = new HashSet<>();
    private final ExposedView<PromptEntry> promptEntries;
    private final ExposedView<ResourceEntry> resourceEntries;
    private final ExposedView<TemplateEntry> templateEntries;

    public Features(Registry registry) {
        this.promptEntries = new ExposedView<>(PromptEntry::equals, registry::removePrompt, registry::register);
        this.resourceEntries = new ExposedView<>(ResourceEntry::equals, registry::removeResource, registry::register);
        this.templateEntries = new ExposedView<>(TemplateEntry::equals, registry::removeTemplate, registry::register);
    }

    @Override
    public synchronized void promptsChanged(String server, List<McpSchema.Prompt> list) {
        ExposedView.hold(prompts, server, list);
        promptEntries.replaceNamed("prompt", prompts, McpSchema.Prompt::name, n -> new PromptEntry(n.exposed(), n.server(), n.item()));
    }

    @Override
    public synchronized void resourcesChanged(String server, List<McpSchema.Resource> rs, List<McpSchema.ResourceTemplate> ts) {
        ExposedView.hold(resources, server, rs);
        ExposedView.hold(templates, server, ts);

        Map<String, ResourceEntry> nextResources = new LinkedHashMap<>();
        resources.forEach((s, list) -> list.forEach(r -> {
            ResourceEntry owner = nextResources.get(r.uri());
            if (owner == null) {
                nextResources.put(r.uri(), new ResourceEntry(r.uri(), s, r));
            } else if (!owner.server().equals(s)) {
                collision("resource " + r.uri(), s, owner.server());
            }
        }));
        resourceEntries.replace(nextResources);

        Map<String, String> templateOwner = new HashMap<>();
        Map<String, List<McpSchema.ResourceTemplate>> owned = new TreeMap<>();
        templates.forEach((s, list) -> list.forEach(t -> {
            String owner = templateOwner.putIfAbsent(t.uriTemplate(), s);
            if (owner == null) {
                owned.computeIfAbsent(s, x -> new ArrayList<>()).add(t);
            } else if (!owner.equals(s)) {
                collision("resource template " + t.uriTemplate(), s, owner);
            }
        }));
        templateEntries.replaceNamed("resource template", owned, McpSchema.ResourceTemplate::name,
                n -> new TemplateEntry(n.exposed(), n.server(), n.item()));
    }

    private void collision(String what, String hidden, String owner) {
        if (reported.add(what + " " + hidden)) {
            LOG.warnf("%s of upstream %s is hidden: upstream %s (first in server-name order) already exposes it", what, hidden, owner);
        }
    }

    public Optional<PromptEntry> prompt(String exposed) {
        return Optional.ofNullable(promptEntries.entries().get(exposed));
    }

    public Optional<ResourceEntry> resource(String uri) {
        return Optional.ofNullable(resourceEntries.entries().get(uri));
    }

    public Optional<TemplateEntry> template(String exposed) {
        return Optional.ofNullable(templateEntries.entries().get(exposed));
    }

    public Map<String, PromptEntry> prompts() {
        return promptEntries.entries();
    }

    public Map<String, ResourceEntry> resources() {
        return resourceEntries.entries();
    }

    public Map<String, TemplateEntry> templates() {
        return templateEntries.entries();
    }

    /** The name the per-key allow/deny globs are matched against for a resource or template: {@code <server>__<uri>}. */
    public static String policyName(String server, String uri) {
        return server + ToolNames.SEPARATOR + uri;
    }
}
