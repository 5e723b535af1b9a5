package dev.sparkd.core.ssh;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where and as whom to run remote commands: one host's address, port, user, private key and the
 * {@code known_hosts} file its host key is checked against.
 *
 * <p>Every field is validated when the target is created, so a bad value fails at configuration
 * time with a message naming the field, not later inside an SSH library. Paths are not read
 * here; missing or unreadable files are reported when the runner connects.
 *
 * @param address IP address or DNS name used to connect and to look the host up in known_hosts
 * @param port SSH port, 22 unless configured
 * @param user remote login name
 * @param keyFile private key file (OpenSSH or PEM format; ed25519, ECDSA or RSA)
 * @param knownHosts the known_hosts file that must already hold this host's key
 * @param passphraseFile file whose first line is the private key's passphrase, if it has one
 * @param name the host's name in the configuration (e.g. {@code spark-1}), used in messages
 */
public record SshTarget(
        String address,
        int port,
        String user,
        Path keyFile,
        Path knownHosts,
        Optional<Path> passphraseFile,
        Optional<String> name) {

    public static final int DEFAULT_PORT = 22;

    private static final String DNS_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern HOST_NAME_OR_IPV4 =
            Pattern.compile("(?=.{1,253}$)" + DNS_LABEL + "(?:\\." + DNS_LABEL + ")*");
    private static final Pattern IPV6 = Pattern.compile("(?=.{2,45}$)[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");
    private static final Pattern USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    public SshTarget {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(knownHosts, "knownHosts");
        Objects.requireNonNull(passphraseFile, "passphraseFile");
        Objects.requireNonNull(name, "name");
        if (!HOST_NAME_OR_IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
            throw new IllegalArgumentException("SSH address " + ShellQuote.quote(address)
                    + " is not an IPv4/IPv6 address or DNS host name (no brackets, ports or"
                    + " user@ prefixes: set `port` and `user` separately)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("SSH port " + port + " is outside 1..65535");
        }
        if (!USER.matcher(user).matches()) {
            throw new IllegalArgumentException("SSH user " + ShellQuote.quote(user)
                    + " is not a valid login name (letters, digits, `_`, `.`, `-`; starts with a"
                    + " letter or `_`; at most 32 characters)");
        }
        name.ifPresent(label -> {
            if (!NAME.matcher(label).matches()) {
                throw new IllegalArgumentException("host name label " + ShellQuote.quote(label)
                        + " must be letters, digits, `_`, `.`, `-` (at most 63 characters)");
            }
        });
    }

    /** A target on port 22 with an unencrypted key and no name label. */
    public static SshTarget of(String address, String user, Path keyFile, Path knownHosts) {
        return new SshTarget(address, DEFAULT_PORT, user, keyFile, knownHosts, Optional.empty(),
                Optional.empty());
    }

    public SshTarget withPort(int newPort) {
        return new SshTarget(address, newPort, user, keyFile, knownHosts, passphraseFile, name);
    }

    public SshTarget withName(String newName) {
        return new SshTarget(address, port, user, keyFile, knownHosts, passphraseFile,
                Optional.of(newName));
    }

    public SshTarget withPassphraseFile(Path file) {
        return new SshTarget(address, port, user, keyFile, knownHosts, Optional.of(file), name);
    }

    public SshTarget withKeyFile(Path file) {
        return new SshTarget(address, port, user, file, knownHosts, passphraseFile, name);
    }

    public SshTarget withKnownHosts(Path file) {
        return new SshTarget(address, port, user, keyFile, file, passphraseFile, name);
    }

    /**
     * How OpenSSH names this host in known_hosts: {@code address} on port 22, otherwise
     * {@code [address]:port}.
     */
    public String knownHostsName() {
        String host = address.toLowerCase(java.util.Locale.ROOT);
        return port == DEFAULT_PORT ? host : "[" + host + "]:" + port;
    }

    /** For messages: {@code spark-1 (spark@192.168.1.50:22)}, or without the label if unnamed. */
    public String describe() {
        String hostPort = (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
        String where = user + "@" + hostPort;
        return name.map(label -> label + " (" + where + ")").orElse(where);
    }

    @Override
    public String toString() {
        return describe();
    }
}
