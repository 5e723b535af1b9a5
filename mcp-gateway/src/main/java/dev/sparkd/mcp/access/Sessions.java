package dev.sparkd.mcp.access;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.quarkiverse.mcp.server.runtime.ConnectionManager;
import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;

/**
 * Binds each downstream MCP session to the API key that opened it. Every later request must present the same key
 * (a session id alone authenticates nothing), and per-caller lists look the key up by session.
 */
@Singleton
public class Sessions {
    private final Map<String, String> keyBySession = new ConcurrentHashMap<>();
    private final ConnectionManager connections;

    public Sessions(ConnectionManager connections) {
        this.connections = connections;
    }

    public void bind(String sessionId, String keyId) {
        keyBySession.put(sessionId, keyId);
    }

    public Optional<String> keyOf(String sessionId) {
        return sessionId == null ? Optional.empty() : Optional.ofNullable(keyBySession.get(sessionId));
    }

    public void unbind(String sessionId) {
        keyBySession.remove(sessionId);
    }

    /** Drops bindings of sessions the MCP server no longer knows (closed, idle-timed-out). */
    @Scheduled(every = "60s", delayed = "60s")
    void forgetClosed() {
        keyBySession.keySet().removeIf(id -> !connections.has(id));
    }

    public int size() {
        return keyBySession.size();
    }
}
