package dev.sparkd.mcp.upstream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ends a stdio server and everything it started. The server is launched through {@code setsid}, so it leads its own
 * process group (PGID = its PID): a signal to {@code -PGID} reaches grandchildren even after they were re-parented
 * (e.g. the {@code node} behind an {@code npx} or {@code sh -c} wrapper). The descendants seen through
 * {@link ProcessHandle} are signalled as well, for the case where {@code setsid} is not installed. Blocking: call on a
 * worker thread.
 */
final class ProcessGroup {
    static final Path SETSID = findSetsid();

    private ProcessGroup() {
    }

    static boolean setsidAvailable() {
        return SETSID != null;
    }

    /** SIGTERM to the group and the tree, wait {@code grace}, then SIGKILL to whatever is left. */
    static void terminate(ProcessHandle leader, boolean ownGroup, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(leader);
        leader.descendants().forEach(tree::add);
        if (ownGroup) {
            signalGroup(leader.pid(), "TERM");
        }
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && (tree.stream().anyMatch(ProcessHandle::isAlive) || (ownGroup && groupAlive(leader.pid())))) {
            sleep(25);
        }
        if (ownGroup) {
            signalGroup(leader.pid(), "KILL");
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // reaped by whoever owns it; nothing more to do
            }
        }
    }

    /** Whether any process still belongs to group {@code pgid} (reads /proc; false where /proc is absent). */
    static boolean groupAlive(long pgid) {
        return !groupMembers(pgid).isEmpty();
    }

    /** Whether {@code pid} runs (a zombie has ended: only its reaping is left, which is its parent's or init's job). */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static List<Long> groupMembers(long pgid) {
        List<Long> members = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) dirs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    // pid (comm) state ppid pgrp ... — comm may contain spaces, so split after the last ')'
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(f[2]) == pgid && !"Z".equals(f[0])) {
                        members.add(Long.parseLong(name));
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return members;
    }

    private static void signalGroup(long pgid, String signal) {
        if (!groupAlive(pgid)) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, "--", "-" + pgid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no kill(1): the ProcessHandle walk still runs
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path findSetsid() {
        for (String dir : List.of("/usr/bin", "/bin", "/run/current-system/sw/bin", "/usr/local/bin")) {
            Path p = Path.of(dir, "setsid");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
