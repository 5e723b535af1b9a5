package dev.sparkd.simulator.host;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Files written on a simulated host over SSH ({@code install -m 600 /dev/stdin PATH}) and read back by its docker
 * ({@code --env-file}, {@code -v}). Only what sparkd writes lives here; paths are absolute, relative ones are resolved
 * against the SSH user's home as a login shell would. Thread-safe.
 */
public final class HostFiles {
    /** A file's bytes and permission bits (e.g. {@code 0600}). */
    public record File(byte[] content, int mode) {
        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private final Map<String, File> files = new TreeMap<>();
    private final Set<String> directories = new TreeSet<>();

    /** {@code path} as the shell of {@code user} sees it: relative to {@code /home/<user>} ({@code /root} for root). */
    public static String resolve(String user, String path) {
        if (path.startsWith("/")) {
            return normalize(path);
        }
        String home = user == null || user.isEmpty() || user.equals("root") ? "/root" : "/home/" + user;
        return normalize(home + "/" + path);
    }

    private static String normalize(String path) {
        return path.replaceAll("/+", "/").replaceAll("/\\./", "/");
    }

    public synchronized void write(String path, byte[] content, int mode) {
        files.put(path, new File(content.clone(), mode));
    }

    public synchronized Optional<File> read(String path) {
        return Optional.ofNullable(files.get(path));
    }

    /** True when a file was there. */
    public synchronized boolean remove(String path) {
        return files.remove(path) != null;
    }

    /** {@code mkdir -p}: the directory and its parents exist from now on. */
    public synchronized void mkdirs(String path) {
        String p = path.replaceAll("/+$", "");
        while (!p.isEmpty()) {
            directories.add(p);
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }

    public synchronized boolean isDirectory(String path) {
        return directories.contains(path.replaceAll("/+$", ""));
    }

    /** Every file, by path. */
    public synchronized Map<String, File> all() {
        return Map.copyOf(files);
    }
}
