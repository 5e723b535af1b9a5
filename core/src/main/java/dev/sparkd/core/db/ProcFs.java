package dev.sparkd.core.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What Linux's {@code /proc} says about processes. */
final class ProcFs {

    private ProcFs() {
    }

    /**
     * Whether {@code pid} is a live process. A zombie (dead, not yet reaped) does not count: after a
     * {@code kill -9}, a postmaster reparented to an init that does not reap (e.g. a JVM as PID 1 in a
     * container) stays a zombie forever, and must not be mistaken for a running server.
     */
    static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (comm) S ...": the state follows the last ')' because comm may contain spaces or ')'.
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Live processes whose working directory is {@code dir}. The postmaster changes into its data
     * directory and every backend inherits that, while their command lines are rewritten to
     * "postgres: checkpointer" and the like, so this finds them all. Processes of other users are
     * only visible to root, which is fine: the server runs as us, or we are root.
     */
    static List<Long> withWorkingDirectory(Path dir) {
        Path target;
        try {
            target = dir.toRealPath();
        } catch (IOException e) {
            return List.of();
        }
        long self = ProcessHandle.current().pid();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(name -> name.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong)
                    .filter(pid -> pid != self && target.equals(workingDirectory(pid)) && isRunning(pid))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static Path workingDirectory(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
