package dev.sparkd.mcp.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Exposed names: {@code <server>__<tool>}, valid against {@code ^[a-zA-Z0-9_-]{1,64}$} (what Claude, VS Code and
 * Copilot accept). Characters outside the set become {@code _}; a name that is too long, or that collides with one
 * already taken, gets a short SHA-256 suffix of its original {@code server/tool}. Input is processed in a fixed order
 * (server, then tool name), so the outcome is the same on every start; every rename is reported.
 */
public final class ToolNames {
    public static final Pattern VALID = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
    public static final String SEPARATOR = "__";
    static final int MAX = 64;
    /** Names the gateway uses itself. */
    static final Set<String> RESERVED = Set.of("sparkd__gateway");

    private ToolNames() {
    }

    /** An exposed name and, when it is not simply {@code server__tool}, why. */
    public record Mapping(String server, String tool, String exposed, String renamed) {
    }

    /** Maps every (server → tool names) pair; servers and tools are taken in sorted order. */
    public static List<Mapping> map(Map<String, List<String>> toolsByServer) {
        List<Mapping> out = new ArrayList<>();
        Set<String> taken = new HashSet<>(RESERVED);
        toolsByServer.keySet().stream().sorted().forEach(server -> toolsByServer.get(server).stream().sorted().distinct().forEach(tool -> {
            String plain = server + SEPARATOR + tool;
            String name = sanitize(plain);
            String why = null;
            if (!name.equals(plain)) {
                why = "characters outside [a-zA-Z0-9_-] replaced";
            }
            if (name.length() > MAX) {
                name = name.substring(0, MAX - 9) + "_" + hash(server + "/" + tool);
                why = "longer than 64 characters";
            }
            if (taken.contains(name)) {
                String base = name.length() > MAX - 9 ? name.substring(0, MAX - 9) : name;
                name = base + "_" + hash(server + "/" + tool);
                why = "collides with another exposed name";
            }
            taken.add(name);
            out.add(new Mapping(server, tool, name, why));
        }));
        return out;
    }

    public static Map<String, Mapping> byExposed(List<Mapping> mappings) {
        Map<String, Mapping> m = new LinkedHashMap<>();
        mappings.forEach(x -> m.put(x.exposed(), x));
        return m;
    }

    static String sanitize(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            b.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ? c : '_');
        }
        return b.toString();
    }

    static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
