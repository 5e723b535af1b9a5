package dev.sparkd.simulator.ssh;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every exec request the simulated host received, in order, so a test can assert exactly which commands ran — or that
 * none did (a host-key mismatch must stop the client before it sends anything).
 */
public final class CommandLog {
    /**
     * @param time     when the command arrived
     * @param user     the SSH user name it ran as
     * @param command  the exec string exactly as the client sent it
     * @param exitCode what the client was told
     * @param took     how long it ran
     */
    public record Entry(Instant time, String user, String command, int exitCode, Duration took) {
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(Entry e) {
        entries.add(e);
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    public List<String> commands() {
        return entries().stream().map(Entry::command).toList();
    }

    public synchronized void clear() {
        entries.clear();
    }
}
