package dev.sparkd.mcp;

import io.quarkiverse.mcp.server.FilterContext;
import io.quarkiverse.mcp.server.McpMethod;
import io.quarkiverse.mcp.server.ToolFilter;
import io.quarkiverse.mcp.server.ToolManager.ToolInfo;
import jakarta.inject.Singleton;

/**
 * Per-caller {@code tools/list}: a key sees only the tools its allow/deny globs let it call. On {@code tools/call} the
 * filter lets the request through so the refusal is made — and audited — by the call path.
 */
@Singleton
public class CallerToolFilter implements ToolFilter {
    private final McpGateway gateway;

    public CallerToolFilter(McpGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public boolean test(ToolInfo tool, FilterContext context) {
        if (tool.name().equals(McpGateway.ANCHOR_TOOL)) {
            // only there so that initialize always declares tools.listChanged
            return context.method() == McpMethod.INITIALIZE;
        }
        if (context.method() == McpMethod.TOOLS_CALL || context.method() == McpMethod.INITIALIZE) {
            return true;
        }
        return gateway.visible(context.connection(), tool.name());
    }
}
