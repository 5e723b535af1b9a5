package dev.sparkd.mcp;

import dev.sparkd.core.auth.RateLimiter;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.mcp.config.McpSettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The gateway's beans that are not classes of its own: its {@code [mcp]} settings, read from the one parsed config,
 * and the shared (framework-free) rate limiter. Everything else is a bean with constructor injection in its feature
 * package.
 */
public class McpGatewayProducers {
    @Produces
    @Singleton
    McpSettings settings(SuiteConfig config) {
        return config.section(McpSettings.class);
    }

    /** Token buckets named {@code key:<id>} and {@code tool:<exposed name>}. */
    @Produces
    @Singleton
    RateLimiter rateLimiter() {
        return new RateLimiter();
    }
}
