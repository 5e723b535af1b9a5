package dev.sparkd.router.keys;

import java.time.Instant;
import java.util.Set;

import dev.sparkd.router.config.RouterSettings;

/**
 * A caller's key as the router keeps it: never the key itself, only its SHA-256.
 *
 * @param routes    routes it may use; empty = all
 * @param rpm       requests per minute; 0 = no limit
 * @param localOnly its requests never reach a cloud target
 */
public record ApiKey(String id, String name, String sha256, Set<String> routes, int rpm, double dailyUsd, double monthlyUsd,
        boolean localOnly, Instant createdAt, Instant revokedAt) {

    /** The caller on a loopback listener with {@code allow_keyless = true}. */
    public static final ApiKey KEYLESS = new ApiKey("-", "keyless", "", Set.of(), 0, 0, 0, false, Instant.EPOCH, null);

    public boolean allows(String route) {
        return routes.isEmpty() || routes.contains(route);
    }

    public RouterSettings.Budget budget() {
        return dailyUsd > 0 || monthlyUsd > 0 ? new RouterSettings.Budget(dailyUsd, monthlyUsd) : null;
    }
}
