package dev.sparkd.core.config;

import java.util.List;
import java.util.Map;

/** What every daemon's section provides, so shared code can map it onto Quarkus (listen address and port) and the edge. */
public interface DaemonSettings {
    Listen listen();

    /** Browser origins this daemon accepts on top of {@code [suite] allowed_origins} (the gateway's {@code [mcp]} list). */
    default List<String> allowedOrigins() {
        return List.of();
    }

    /** Secrets this section names besides the shared ones (the gateway's remote-server tokens), for {@code sparkd check --credentials}. */
    default List<SecretRef> secrets() {
        return List.of();
    }

    /** Quarkus settings this section decides (e.g. the gateway's session idle timeout), mapped like the listen address. */
    default Map<String, String> quarkusProperties() {
        return Map.of();
    }
}
