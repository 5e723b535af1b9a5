package dev.sparkd.mcp.access;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import dev.sparkd.mcp.config.McpSettings;

/**
 * Who may see and call what: a key's {@code allow} and {@code deny} globs over exposed names ({@code *} any run of
 * characters, {@code ?} one character). Deny wins; nothing is allowed unless some allow glob matches.
 */
public final class Policy {
    private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();
    private Policy() {
    }

    public static boolean allows(McpSettings.ApiKey key, String exposedName) {
        if (key == null) {
            return false;
        }
        for (String d : key.deny()) {
            if (matches(d, exposedName)) {
                return false;
            }
        }
        for (String a : key.allow()) {
            if (matches(a, exposedName)) {
                return true;
            }
        }
        return false;
    }

    static boolean matches(String glob, String name) {
        return COMPILED.computeIfAbsent(glob, Policy::toRegex).matcher(name).matches();
    }

    private static Pattern toRegex(String glob) {
        StringBuilder b = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> b.append(".*");
                case '?' -> b.append('.');
                default -> b.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(b.toString());
    }

}
