package dev.sparkd.router.replay;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whole answers kept in the heap for a while, bounded in bytes: the oldest-used go first when a new one would not fit,
 * and an expired one is gone when next looked at (or pushed out). An entry without an answer yet marks a request in
 * flight. Synchronized: touched twice per request that uses it, each time briefly, never by requests that do not.
 */
final class StoredAnswers {
    /** What a stored request was (its body's digest), and its answer once there is one. */
    static final class Entry {
        final byte[] fingerprint;
        final long expiresAt;
        volatile Answer answer;

        Entry(byte[] fingerprint, long expiresAt) {
            this.fingerprint = fingerprint;
            this.expiresAt = expiresAt;
        }

        long bytes() {
            return 96 + fingerprint.length + (answer == null ? 0 : answer.bytes());
        }
    }

    private final long maxBytes;
    private final long ttlNanos;
    private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    StoredAnswers(long maxBytes, long ttlNanos) {
        this.maxBytes = maxBytes;
        this.ttlNanos = ttlNanos;
    }

    /** The live entry under {@code key}, or null. */
    synchronized Entry get(String key, long now) {
        Entry e = entries.get(key);
        if (e != null && now - e.expiresAt >= 0) {
            remove(key, e);
            return null;
        }
        return e;
    }

    /** The entry live under the key ({@code created} false), or a new one for a request now in flight. */
    record Begun(Entry entry, boolean created) {
    }

    synchronized Begun begin(String key, byte[] fingerprint, long now) {
        Entry live = get(key, now);
        if (live != null) {
            return new Begun(live, false);
        }
        Entry e = new Entry(fingerprint, now + ttlNanos);
        entries.put(key, e);
        bytes += e.bytes();
        evict();
        return new Begun(e, true);
    }

    /** Stores the answer of an entry still held; an answer larger than the whole store is not kept. */
    synchronized void complete(String key, Entry e, Answer answer) {
        if (entries.get(key) != e) {
            return; // pushed out or expired meanwhile
        }
        if (answer.bytes() + e.bytes() > maxBytes) {
            remove(key, e);
            return;
        }
        bytes -= e.bytes();
        e.answer = answer;
        bytes += e.bytes();
        evict();
    }

    /** Forgets an entry (its request failed: a retry with the same key runs anew). */
    synchronized void abandon(String key, Entry e) {
        if (entries.get(key) == e) {
            remove(key, e);
        }
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized int size() {
        return entries.size();
    }

    private void remove(String key, Entry e) {
        entries.remove(key);
        bytes -= e.bytes();
    }

    private void evict() {
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Entry e = it.next().getValue();
            it.remove();
            bytes -= e.bytes();
        }
    }
}
