package dev.sparkd.core.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The whole validated file: the shared sections every daemon reads, and the daemon sections whose schemas were on the
 * class path. Immutable.
 */
public record SuiteConfig(Path file, Suite suite, DatabaseSettings database, Map<String, Host> hosts,
        Map<String, ServiceDef> services, Map<String, DaemonSettings> sections) {

    public SuiteConfig {
        hosts = Map.copyOf(hosts);
        services = Map.copyOf(services);
        sections = Map.copyOf(sections);
    }

    /** A daemon's settings by type, e.g. {@code section(HealthSettings.class)}. */
    public <T extends DaemonSettings> T section(Class<T> type) {
        return sections.values().stream().filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("no schema for " + type.getSimpleName() + " was loaded"));
    }

    /** A daemon's settings by section name, e.g. {@code "router"}. */
    public Optional<DaemonSettings> section(String name) {
        return Optional.ofNullable(sections.get(name));
    }

    public Optional<ServiceDef> service(String name) {
        return Optional.ofNullable(services.get(name));
    }

    public Optional<Host> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }
}
