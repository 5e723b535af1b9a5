package dev.sparkd.core.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The operating-system account that runs initdb, pg_ctl and postgres.
 *
 * <p>PostgreSQL refuses to run as root, and CI and some users run the daemons as root. Then the tools
 * run as an unprivileged account ({@code nobody} by default) through {@code setpriv} (or {@code runuser}),
 * the data directory is owned by that account, and every directory on the way to it must be searchable
 * by it. Otherwise the tools simply run as the current user.
 */
final class ServerAccount {

    private static final List<String> SYSTEM_BIN_DIRS = List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin");

    private final String userName;
    private final int uid;
    private final int gid;
    /** Put in front of a command to run it as this account; empty when no switch is needed. */
    private final List<String> commandPrefix;

    private ServerAccount(String userName, int uid, int gid, List<String> commandPrefix) {
        this.userName = userName;
        this.uid = uid;
        this.gid = gid;
        this.commandPrefix = commandPrefix;
    }

    /** The current user, or {@code unprivilegedUser} when this JVM runs as root. */
    static ServerAccount forThisProcess(String unprivilegedUser) {
        int uid = effectiveUid();
        if (uid != 0) {
            return new ServerAccount(System.getProperty("user.name"), uid, -1, List.of());
        }
        PasswdEntry user = PasswdEntry.lookUp(unprivilegedUser);
        String groupName = groupName(user.gid()).orElse(String.valueOf(user.gid()));
        return new ServerAccount(user.name(), user.uid(), user.gid(), switchCommand(user, groupName));
    }

    boolean switchesUser() {
        return !commandPrefix.isEmpty();
    }

    String userName() {
        return userName;
    }

    int uid() {
        return uid;
    }

    /** {@code command} as it must be started to run as this account. */
    List<String> command(List<String> command) {
        List<String> full = new ArrayList<>(commandPrefix);
        full.addAll(command);
        return full;
    }

    /** Gives a file or directory (not what it contains) to this account; nothing to do when not root. */
    void takeOwnership(Path path) {
        if (!switchesUser()) {
            return;
        }
        try {
            Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new EmbeddedPostgresException("could not give " + path + " to user " + userName + ": " + e.getMessage(), e);
        }
    }

    /** Gives a whole tree to this account, e.g. a data directory created by an earlier run as another user. */
    void takeOwnershipOfTree(Path root) {
        if (!switchesUser()) {
            return;
        }
        try (Stream<Path> tree = Files.walk(root)) {
            tree.forEach(this::takeOwnership);
        } catch (IOException e) {
            throw new EmbeddedPostgresException("could not give " + root + " to user " + userName + ": " + e.getMessage(), e);
        }
    }

    boolean owns(Path path) {
        try {
            return ((Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == uid;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Fails with a message naming the directory and the fix when this account cannot reach {@code dir}:
     * every existing directory from {@code /} down to it must grant it search (x) permission. Directories
     * that do not exist yet are skipped; they are created searchable.
     */
    void requireSearchable(Path dir) {
        if (!switchesUser()) {
            return;
        }
        List<Path> chain = new ArrayList<>();
        for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            chain.add(0, p);
        }
        for (Path p : chain) {
            if (!Files.isDirectory(p)) {
                return;
            }
            PosixFileAttributes attributes;
            int ownerUid;
            int groupGid;
            try {
                attributes = Files.readAttributes(p, PosixFileAttributes.class);
                ownerUid = (Integer) Files.getAttribute(p, "unix:uid");
                groupGid = (Integer) Files.getAttribute(p, "unix:gid");
            } catch (IOException e) {
                throw new EmbeddedPostgresException("could not read the permissions of " + p + ": " + e.getMessage(), e);
            }
            Set<PosixFilePermission> perms = attributes.permissions();
            boolean searchable = ownerUid == uid ? perms.contains(PosixFilePermission.OWNER_EXECUTE)
                    : groupGid == gid ? perms.contains(PosixFilePermission.GROUP_EXECUTE)
                    : perms.contains(PosixFilePermission.OTHERS_EXECUTE);
            if (!searchable) {
                throw new EmbeddedPostgresException("the embedded PostgreSQL must run as user '" + userName + "' (uid " + uid
                        + ") because this process runs as root, but that user cannot enter directory " + p
                        + " (permissions " + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "); make it"
                        + " searchable (chmod o+x " + p + "), put the state directory somewhere else, or set"
                        + " [database] url to use an external PostgreSQL");
            }
        }
    }

    /** The effective uid of this JVM, from {@code /proc/self/status} ("Uid: real effective saved fs"). */
    static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new EmbeddedPostgresException("could not read the uid of this process from /proc/self/status", e);
        }
        throw new EmbeddedPostgresException("/proc/self/status has no Uid line");
    }

    private static List<String> switchCommand(PasswdEntry user, String groupName) {
        Optional<Path> setpriv = findExecutable("setpriv");
        if (setpriv.isPresent()) {
            // setpriv execs the command, so the server keeps the pid we started; it sets real and
            // effective ids (postgres checks both) and drops root's supplementary groups.
            return List.of(setpriv.get().toString(), "--reuid=" + user.uid(), "--regid=" + user.gid(), "--clear-groups", "--");
        }
        Optional<Path> runuser = findExecutable("runuser");
        if (runuser.isPresent()) {
            return List.of(runuser.get().toString(), "-g", groupName, "-u", user.name(), "--");
        }
        throw new EmbeddedPostgresException("this process runs as root and PostgreSQL refuses to, but neither setpriv nor"
                + " runuser (util-linux) is installed to switch to user '" + user.name() + "'; install util-linux,"
                + " run the daemon as an ordinary user, or set [database] url to use an external PostgreSQL");
    }

    private static Optional<Path> findExecutable(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(SYSTEM_BIN_DIRS);
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }

    private static Optional<String> groupName(int gid) {
        try (Stream<String> lines = Files.lines(Path.of("/etc/group"))) {
            return lines.map(line -> line.split(":", -1))
                    .filter(f -> f.length >= 3 && f[2].equals(String.valueOf(gid)))
                    .map(f -> f[0])
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A line of /etc/passwd. On Debian and Ubuntu nobody's primary group is nogroup (65534). */
    record PasswdEntry(String name, int uid, int gid) {
        static PasswdEntry lookUp(String name) {
            try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
                return lines.map(line -> line.split(":", -1))
                        .filter(f -> f.length >= 4 && f[0].equals(name))
                        .map(f -> new PasswdEntry(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3])))
                        .findFirst()
                        .orElseThrow(() -> noSuchUser(name, null));
            } catch (IOException | NumberFormatException e) {
                throw noSuchUser(name, e);
            }
        }

        private static EmbeddedPostgresException noSuchUser(String name, Exception cause) {
            return new EmbeddedPostgresException("this process runs as root and PostgreSQL refuses to, so it must run as"
                    + " user '" + name + "', but /etc/passwd has no such user; create it, run the daemon as an"
                    + " ordinary user, or set [database] url to use an external PostgreSQL", cause);
        }
    }
}
