package dev.sparkd.core.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An OpenSSH known_hosts file, read-only, matched the way {@code ssh} matches it.
 *
 * <p>Supports plain and hashed ({@code |1|salt|hash}) host fields, comma-separated patterns with
 * {@code *}, {@code ?} and {@code !} negation, {@code [host]:port} names, and {@code @revoked}.
 * Unlike JSch's own parser it does not fall back from {@code [host]:port} to a bare {@code host}
 * entry: as with OpenSSH, a key recorded for port 22 does not vouch for another port.
 * {@code @cert-authority} lines are ignored (host certificates are not used).
 */
final class KnownHostsFile {

    /** What known_hosts says about a presented key. */
    enum Verdict { TRUSTED, UNKNOWN, CHANGED, REVOKED }

    /** One usable line: who it is for, and the key. */
    record Entry(boolean revoked, String hostField, String keyType, byte[] key) {

        boolean matchesHost(String host) {
            if (hostField.startsWith("|1|")) {
                return matchesHashed(hostField, host);
            }
            boolean matched = false;
            for (String pattern : hostField.split(",")) {
                boolean negated = pattern.startsWith("!");
                String glob = negated ? pattern.substring(1) : pattern;
                if (globMatches(glob.toLowerCase(Locale.ROOT), host)) {
                    if (negated) {
                        return false;
                    }
                    matched = true;
                }
            }
            return matched;
        }
    }

    private final List<Entry> entries;

    private KnownHostsFile(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Reads {@code file}; a missing file is an empty one, as for OpenSSH. */
    static KnownHostsFile load(Path file) throws IOException {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return new KnownHostsFile(List.of());
        }
    }

    /** Parses known_hosts lines; lines it cannot use are skipped, as OpenSSH does. */
    static KnownHostsFile parse(List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] fields = trimmed.split("\\s+");
            int first = 0;
            boolean revoked = false;
            if (fields[0].startsWith("@")) {
                if (!fields[0].equals("@revoked")) {
                    continue; // @cert-authority or unknown marker
                }
                revoked = true;
                first = 1;
            }
            if (fields.length < first + 3) {
                continue;
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(fields[first + 2]);
            } catch (IllegalArgumentException e) {
                continue;
            }
            String keyType = PresentedHostKey.keyType(key);
            if (!keyType.equals(fields[first + 1])) {
                continue; // declared type and key disagree: a corrupt line vouches for nothing
            }
            entries.add(new Entry(revoked, fields[first], keyType, key));
        }
        return new KnownHostsFile(entries);
    }

    /**
     * Judges {@code key} presented by {@code host} (a {@link SshTarget#knownHostsName()}):
     * revoked if a matching {@code @revoked} line has it, trusted if a matching line has it,
     * changed if a matching line has another key of the same type, unknown otherwise.
     */
    Verdict check(String host, byte[] key) {
        String name = host.toLowerCase(Locale.ROOT);
        String type = PresentedHostKey.keyType(key);
        boolean trusted = false;
        boolean sameTypeOtherKey = false;
        for (Entry entry : entries) {
            if (!entry.matchesHost(name)) {
                continue;
            }
            boolean sameKey = MessageDigest.isEqual(entry.key(), key);
            if (entry.revoked()) {
                if (sameKey) {
                    return Verdict.REVOKED;
                }
            } else if (sameKey) {
                trusted = true;
            } else if (entry.keyType().equals(type)) {
                sameTypeOtherKey = true;
            }
        }
        if (trusted) {
            return Verdict.TRUSTED;
        }
        return sameTypeOtherKey ? Verdict.CHANGED : Verdict.UNKNOWN;
    }

    /** The non-revoked entries for {@code host}, so the client can prefer key types it knows. */
    List<Entry> entriesFor(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return entries.stream().filter(e -> !e.revoked() && e.matchesHost(name)).toList();
    }

    /** Every entry in the file. */
    List<Entry> entries() {
        return entries;
    }

    private static boolean matchesHashed(String field, String host) {
        String[] parts = field.split("\\|");
        // "|1|salt|hash" splits into "", "1", salt, hash
        if (parts.length != 4) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            byte[] actual = mac.doFinal(host.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(actual, expected);
        } catch (IllegalArgumentException | NoSuchAlgorithmException | InvalidKeyException e) {
            return false;
        }
    }

    /** OpenSSH's match_pattern: {@code *} any run, {@code ?} any one character, nothing else special. */
    static boolean globMatches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int starP = -1;
        int starT = 0;
        while (t < text.length()) {
            if (p < pattern.length()
                    && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                starP = p++;
                starT = t;
            } else if (starP >= 0) {
                p = starP + 1;
                t = ++starT;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public String toString() {
        return "KnownHostsFile" + Arrays.toString(entries.stream().map(Entry::hostField).toArray());
    }
}
