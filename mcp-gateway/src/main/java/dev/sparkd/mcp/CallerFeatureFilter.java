package dev.sparkd.mcp;

import dev.sparkd.mcp.catalog.Features;
import io.quarkiverse.mcp.server.FilterContext;
import io.quarkiverse.mcp.server.McpMethod;
import io.quarkiverse.mcp.server.PromptFilter;
import io.quarkiverse.mcp.server.PromptManager.PromptInfo;
import io.quarkiverse.mcp.server.ResourceFilter;
import io.quarkiverse.mcp.server.ResourceManager.ResourceInfo;
import io.quarkiverse.mcp.server.ResourceTemplateFilter;
import io.quarkiverse.mcp.server.ResourceTemplateManager.ResourceTemplateInfo;
import jakarta.inject.Singleton;

/**
 * Per-caller {@code prompts/list}, {@code resources/list} and {@code resources/templates/list}, and the same decision
 * on {@code prompts/get} and {@code resources/read}: a prompt is matched against the key's allow/deny globs as
 * {@code <server>__<prompt>}, a resource as {@code <server>__<uri>}, a template as {@code <server>__<uriTemplate>}.
 * What a key may not see, it cannot get or read either (the gateway's handlers check again).
 */
@Singleton
public class CallerFeatureFilter implements PromptFilter, ResourceFilter, ResourceTemplateFilter {
    private final McpGateway gateway;

    public CallerFeatureFilter(McpGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public boolean test(PromptInfo prompt, FilterContext context) {
        if (prompt.name().equals(McpGateway.ANCHOR_PROMPT)) {
            return context.method() == McpMethod.INITIALIZE;
        }
        if (context.method() == McpMethod.INITIALIZE) {
            return true;
        }
        return gateway.visible(context.connection(), prompt.name());
    }

    @Override
    public boolean test(ResourceInfo resource, FilterContext context) {
        if (resource.uri().equals(McpGateway.ANCHOR_RESOURCE)) {
            return context.method() == McpMethod.INITIALIZE;
        }
        if (context.method() == McpMethod.INITIALIZE) {
            return true;
        }
        return gateway.features().resource(resource.uri())
                .map(e -> gateway.visible(context.connection(), Features.policyName(e.server(), e.uri()))).orElse(false);
    }

    @Override
    public boolean test(ResourceTemplateInfo template, FilterContext context) {
        if (context.method() == McpMethod.INITIALIZE) {
            return true;
        }
        return gateway.features().template(template.name())
                .map(e -> gateway.visible(context.connection(), Features.policyName(e.server(), e.template().uriTemplate())))
                .orElse(false);
    }
}
