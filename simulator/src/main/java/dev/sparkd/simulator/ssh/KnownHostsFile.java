package dev.sparkd.simulator.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OpenSSH {@code known_hosts} file the simulator keeps current for its hosts: one
 * {@code [127.0.0.1]:PORT ssh-ed25519 AAAA…} line per host. A line for the same {@code [host]:port} is replaced (the
 * port may now belong to another simulated host, or its key file was deleted), every other line is kept, so a user's
 * own entries survive.
 */
public final class KnownHostsFile {
    private KnownHostsFile() {
    }

    /** Writes {@code lines} (each {@code HOSTS KEYTYPE BASE64 …}) into {@code file}, replacing lines for the same hosts. */
    public static synchronized void update(Path file, List<String> lines) throws IOException {
        Map<String, String> ours = new LinkedHashMap<>();
        for (String line : lines) {
            ours.put(hostField(line), line);
        }
        List<String> out = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!ours.containsKey(hostField(line))) {
                    out.add(line);
                }
            }
        }
        out.addAll(ours.values());
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, out, StandardCharsets.UTF_8);
    }

    /** The first field of a line (its host patterns); comments and blank lines have none that could match. */
    private static String hostField(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return "\0" + line; // never equal to a host field, so always kept
        }
        int space = trimmed.indexOf(' ');
        return space < 0 ? trimmed : trimmed.substring(0, space);
    }
}
