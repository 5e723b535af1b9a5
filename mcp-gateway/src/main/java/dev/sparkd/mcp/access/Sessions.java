package dev.sparkd.mcp.access;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.sparkd.mcp.config.McpSettings;
import io.quarkiverse.mcp.server.runtime.ConnectionManager;
import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;

/**
 * Binds each downstream MCP session to the API key that opened it. Every later request must present the same key
 * (a session id alone authenticates nothing), and per-caller lists look the key up by session. Also counts each key's
 * sessions, so that one key cannot open them without end ({@code [mcp] max_sessions_per_key}).
 */
@Singleton
public class Sessions {
    private final Map<String, McpSettings.ApiKey> keyBySession = new ConcurrentHashMap<>();
    private final ConnectionManager connections;

    public Sessions(ConnectionManager connections) {
        this.connections = connections;
    }

    /** Sessions being opened (an initialize in flight) by key, counted against the cap until bound or abandoned. */
    private final Map<String, Integer> opening = new HashMap<>();

    /**
     * Reserves room for one more session of {@code keyId} when it has fewer than {@code cap} open or opening; the
     * caller then {@link #bind}s the new session or {@link #abandon}s the reservation.
     */
    public synchronized boolean tryOpen(String keyId, int cap) {
        long open = keyBySession.entrySet().stream()
                .filter(e -> e.getValue().id().equals(keyId) && (connections == null || connections.has(e.getKey()))).count();
        int pending = opening.getOrDefault(keyId, 0);
        if (open + pending >= cap) {
            return false;
        }
        opening.put(keyId, pending + 1);
        return true;
    }

    /** Gives back a reservation that opened no session (the initialize failed). */
    public synchronized void abandon(String keyId) {
        opening.computeIfPresent(keyId, (k, n) -> n > 1 ? n - 1 : null);
    }

    /** Binds a new session to its key, turning its reservation into an open session. */
    public synchronized void bind(String sessionId, McpSettings.ApiKey key) {
        keyBySession.put(sessionId, key);
        abandon(key.id());
    }

    /** The key that opened the session, as verified then. */
    public Optional<McpSettings.ApiKey> keyOf(String sessionId) {
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
