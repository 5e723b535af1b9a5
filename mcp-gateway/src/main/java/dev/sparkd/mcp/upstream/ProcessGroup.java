package dev.sparkd.mcp.upstream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Ends a stdio server and everything it started. The server is launched through {@code setsid}, so it leads its own
 * process group (PGID = its PID): a signal to {@code -PGID} reaches grandchildren even after they were re-parented
 * (e.g. the {@code node} behind an {@code npx} or {@code sh -c} wrapper). The descendants seen through
 * {@link ProcessHandle} are signalled as well, for the case where {@code setsid} is not installed. Blocking: call on a
 * worker thread.
 * <p>
 * A server with {@code run_as} is started through {@code setpriv} as that user, with no capabilities left, so it cannot
 * read what the gateway's user (or the other daemons) may; signals to its group are then sent by {@code kill} running as
 * the same user, which needs no capability beyond the CAP_SETUID/CAP_SETGID that started it.
 */
final class ProcessGroup {
    static final Path SETSID = find("setsid");
    static final Path SETPRIV = find("setpriv");

    private ProcessGroup() {
    }

    static boolean setsidAvailable() {
        return SETSID != null;
    }

    /**
     * {@code command} as run by {@code user}: {@code setpriv} takes the user's uid, primary gid and groups, drops the
     * inheritable and ambient capabilities (so nothing carries over the exec) and sets no-new-privileges.
     */
    static List<String> asUser(Optional<String> user, List<String> command) {
        if (user.isEmpty()) {
            return command;
        }
        if (SETPRIV == null) {
            throw new IllegalStateException("run_as = \"" + user.get() + "\" needs setpriv (util-linux), which is not installed");
        }
        long[] ids = passwd(user.get()).orElseThrow(() -> new IllegalStateException("run_as: no user \"" + user.get()
                + "\" in /etc/passwd — create it (useradd --system " + user.get() + ", or the NixOS module does)"));
        List<String> argv = new ArrayList<>(List.of(SETPRIV.toString(), "--reuid=" + ids[0], "--regid=" + ids[1],
                "--init-groups", "--inh-caps=-all", "--ambient-caps=-all", "--no-new-privs", "--"));
        argv.addAll(command);
        return argv;
    }

    /** uid and gid of {@code user} from /etc/passwd (system users; NSS-only users are not supported). */
    static Optional<long[]> passwd(String user) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":", -1);
                if (f.length >= 4 && f[0].equals(user)) {
                    return Optional.of(new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no readable passwd file: as if the user did not exist
        }
        return Optional.empty();
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
        List<String> kill = new ArrayList<>(List.of("kill", "-s", signal, "--", "-" + pgid));
        long[] owner = owner(pgid);
        long me = myUid();
        if (owner != null && owner[0] != me && me != 0 && SETPRIV != null) {
            // a run_as server: only its own user (or CAP_KILL, which the gateway does not have) may signal it
            kill.addAll(0, List.of(SETPRIV.toString(), "--reuid=" + owner[0], "--regid=" + owner[1], "--clear-groups",
                    "--inh-caps=-all", "--ambient-caps=-all", "--"));
        }
        try {
            Process killer = new ProcessBuilder(kill).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            killer.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no kill(1): the ProcessHandle walk still runs
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Real uid and gid of {@code pid} (/proc/PID/status), or null when it is gone. */
    private static long[] owner(long pid) {
        try {
            long uid = -1;
            long gid = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Uid:")) {
                    uid = Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
                } else if (line.startsWith("Gid:")) {
                    gid = Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
                }
            }
            return uid < 0 || gid < 0 ? null : new long[] {uid, gid};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long myUid() {
        long[] me = owner(ProcessHandle.current().pid());
        return me == null ? -1 : me[0];
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path find(String program) {
        List<String> dirs = new ArrayList<>(List.of("/usr/bin", "/bin", "/run/current-system/sw/bin", "/usr/local/bin"));
        // the unit's PATH (on NixOS the module puts util-linux there)
        Optional.ofNullable(System.getenv("PATH")).ifPresent(path -> dirs.addAll(List.of(path.split(":"))));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
