package dev.sparkd.core.config;

import java.util.List;
import java.util.Optional;

/**
 * The edge every daemon puts in front of its HTTP routes, from {@code [suite]}: which {@code Host} names and browser
 * {@code Origin}s it answers besides its own, where the admin token lives, and whether {@code /q/metrics} needs it.
 *
 * @param allowedHosts     extra names (or addresses) clients use to reach the daemons, e.g. {@code "spark-1.lan"}
 * @param allowedOrigins   extra browser origins, e.g. {@code "https://grafana.lan"}, allowed to call the APIs
 * @param adminToken       the admin token by reference; absent → generated at first start under {@code state_dir}
 * @param metricsAdminOnly {@code /q/metrics} answers only with the admin token
 */
public record EdgeSettings(List<String> allowedHosts, List<String> allowedOrigins, Optional<SecretRef> adminToken,
        boolean metricsAdminOnly) {
    public static final EdgeSettings DEFAULTS = new EdgeSettings(List.of(), List.of(), Optional.empty(), false);

    public EdgeSettings {
        allowedHosts = List.copyOf(allowedHosts);
        allowedOrigins = List.copyOf(allowedOrigins);
    }
}
