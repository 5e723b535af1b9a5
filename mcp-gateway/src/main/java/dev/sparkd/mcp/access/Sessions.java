package dev.sparkd.mcp.access;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Binds each downstream MCP session to the API key that opened it. Every later request must present the same key
 * (a session id alone authenticates nothing), and per-caller tool lists look the key up by session.
 */
public final class Sessions {
    private final Map<String, String> keyBySession = new ConcurrentHashMap<>();

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
    public void retainOnly(Predicate<String> alive) {
        keyBySession.keySet().removeIf(alive.negate());
    }

    public int size() {
        return keyBySession.size();
    }
}
