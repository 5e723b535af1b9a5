package dev.sparkd.mcp.access;

import java.util.Optional;
import java.util.function.Supplier;

import dev.sparkd.mcp.catalog.DownstreamRegistry;
import dev.sparkd.mcp.catalog.Features;
import io.quarkiverse.mcp.server.FilterContext;
import io.quarkiverse.mcp.server.McpMethod;
import io.quarkiverse.mcp.server.PromptFilter;
import io.quarkiverse.mcp.server.PromptManager.PromptInfo;
import io.quarkiverse.mcp.server.ResourceFilter;
import io.quarkiverse.mcp.server.ResourceManager.ResourceInfo;
import io.quarkiverse.mcp.server.ResourceTemplateFilter;
import io.quarkiverse.mcp.server.ResourceTemplateManager.ResourceTemplateInfo;
import io.quarkiverse.mcp.server.ToolFilter;
import io.quarkiverse.mcp.server.ToolManager.ToolInfo;
import jakarta.inject.Singleton;

/**
 * Per-caller lists: {@code tools/list}, {@code prompts/list}, {@code resources/list} and
 * {@code resources/templates/list} show a key only what its allow/deny globs let it use, matched against the
 * policy name — a tool or prompt by its exposed {@code <server>__<name>}, a resource as {@code <server>__<uri>}, a
 * template as {@code <server>__<uriTemplate>}. One rule for all four:
 * <ul>
 * <li>{@code initialize} sees everything, so it declares every capability (the gateway's anchors exist only for it);</li>
 * <li>an anchor is never listed, got or called;</li>
 * <li>on {@code tools/call} a tool passes, so the refusal is made — and audited — by the call path; prompt gets and
 * resource reads are checked again by their handlers.</li>
 * </ul>
 */
@Singleton
public class CallerFilter implements ToolFilter, PromptFilter, ResourceFilter, ResourceTemplateFilter {
    private final CallerAccess access;
    private final Features features;

    public CallerFilter(CallerAccess access, Features features) {
        this.access = access;
        this.features = features;
    }

    @Override
    public boolean test(ToolInfo tool, FilterContext context) {
        boolean anchor = tool.name().equals(DownstreamRegistry.ANCHOR_TOOL);
        if (context.method() == McpMethod.TOOLS_CALL && !anchor) {
            return true;
        }
        return allows(context, anchor, () -> Optional.of(tool.name()));
    }

    @Override
    public boolean test(PromptInfo prompt, FilterContext context) {
        return allows(context, prompt.name().equals(DownstreamRegistry.ANCHOR_PROMPT), () -> Optional.of(prompt.name()));
    }

    @Override
    public boolean test(ResourceInfo resource, FilterContext context) {
        return allows(context, resource.uri().equals(DownstreamRegistry.ANCHOR_RESOURCE),
                () -> features.resource(resource.uri()).map(e -> Features.policyName(e.server(), e.uri())));
    }

    @Override
    public boolean test(ResourceTemplateInfo template, FilterContext context) {
        return allows(context, false,
                () -> features.template(template.name()).map(e -> Features.policyName(e.server(), e.template().uriTemplate())));
    }

    private boolean allows(FilterContext context, boolean anchor, Supplier<Optional<String>> policyName) {
        if (context.method() == McpMethod.INITIALIZE) {
            return true;
        }
        if (anchor) {
            return false;
        }
        return policyName.get().map(name -> access.allows(context.connection(), name)).orElse(false);
    }
}
