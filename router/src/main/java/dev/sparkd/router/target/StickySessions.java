package dev.sparkd.router.target;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which target a conversation stays on ({@code strategy = "sticky"}), so a vLLM's prefix cache pays off across a
 * chat. A session is named by the {@value #SESSION_HEADER} header, else by a stable hash of the caller's API key and
 * the conversation's first messages (which every turn repeats). A new session goes to the target that ranks highest
 * for it (rendezvous hashing: an even spread, no shared state); it stays there while that target is usable, and when
 * it is not, moves once — to the next target, where it then stays even after the first one returns (its cache there
 * is cold by now). Bounded: the least recently used sessions are forgotten beyond {@link #MAX_SESSIONS}.
 */
public final class StickySessions {
    public static final String SESSION_HEADER = "X-Session-Id";
    static final int MAX_SESSIONS = 50_000;
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final Map<Long, String> affinity = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > MAX_SESSIONS;
        }
    };

    /**
     * The session key of a request on {@code route}: the session header when the caller sends one, else the API key
     * with the first two messages (system prompt and first user turn) of a chat, or the prompt's start otherwise.
     */
    public static long key(String route, String keyId, String sessionHeader, JsonNode body) {
        long h = hash(hash(FNV_OFFSET, route), keyId);
        if (sessionHeader != null && !sessionHeader.isBlank()) {
            return mix(hash(h, sessionHeader.strip()));
        }
        JsonNode messages = body.path("messages");
        if (messages.isArray() && !messages.isEmpty()) {
            for (int i = 0; i < Math.min(2, messages.size()); i++) {
                h = hash(h, messages.get(i).toString());
            }
            return mix(h);
        }
        String prompt = body.path("prompt").toString();
        return mix(hash(h, prompt.length() > 512 ? prompt.substring(0, 512) : prompt));
    }

    /**
     * Orders {@code usable} (never empty) for session {@code key}: its remembered target first while usable, else the
     * highest-ranked, which is remembered; the rest by rank, so a failure there falls back where the session moves.
     */
    void order(long key, List<Target> usable) {
        usable.sort((a, b) -> Long.compareUnsigned(score(key, b), score(key, a)));
        synchronized (affinity) {
            String known = affinity.get(key);
            if (known != null) {
                for (int i = 0; i < usable.size(); i++) {
                    if (usable.get(i).id().equals(known)) {
                        usable.add(0, usable.remove(i));
                        return;
                    }
                }
            }
            affinity.put(key, usable.get(0).id());
        }
    }

    private static long score(long key, Target t) {
        return mix(hash(key, t.id()));
    }

    int size() {
        synchronized (affinity) {
            return affinity.size();
        }
    }

    /** FNV-1a over the chars: stable across restarts and JVMs, unlike {@link String#hashCode} mixing. */
    private static long hash(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= FNV_PRIME;
        }
        return h;
    }

    /** A final avalanche (SplitMix64), so near-equal inputs rank targets independently. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
