package dev.sparkd.core.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where a daemon listens: {@code "127.0.0.1:8470"}, {@code "0.0.0.0:8470"} or {@code "[::1]:8470"}. */
public record Listen(String host, int port) {
    private static final Pattern FORM = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):(\\d{1,5})");

    public static Listen loopback(int port) {
        return new Listen("127.0.0.1", port);
    }

    public static Optional<Listen> parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        int port = Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
            return Optional.empty();
        }
        String host = m.group(1);
        return Optional.of(new Listen(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port));
    }

    /** Reads {@code key} of {@code table}, defaulting to loopback on {@code defaultPort} (secure by default). */
    public static Listen read(ConfigTable table, String key, int defaultPort) {
        return table.string(key).flatMap(text -> {
            Optional<Listen> parsed = parse(text);
            if (parsed.isEmpty()) {
                table.error(key, "expected \"address:port\", found \"" + text + "\"",
                        "for example \"127.0.0.1:" + defaultPort + "\" (this machine only) or \"0.0.0.0:" + defaultPort + "\" (all interfaces)");
            }
            return parsed;
        }).orElse(loopback(defaultPort));
    }

    public boolean isLoopback() {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
