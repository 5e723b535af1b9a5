package dev.sparkd.core.testing;

import dev.sparkd.core.ssh.SshTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real OpenSSH {@code sshd} on a free loopback port, with its own keys and config in a temp
 * directory, for tests that need an SSH server (no mocks).
 *
 * <p>{@link #start()} generates an ed25519 host key and client key, authorizes the client key for
 * the current user, writes {@code sshd_config}, starts {@code sshd -D -e -f sshd_config}, waits
 * until it listens, and writes a known_hosts line for it; {@link #target()} is an
 * {@link SshTarget} that connects to it. {@link #close()} stops it (and its per-connection
 * children) and deletes the directory. When {@code sshd} or {@code ssh-keygen} is missing the
 * test fails with the install command; it never skips.
 *
 * <p>Use it directly with try-with-resources, or through {@link OpenSshServerExtension}.
 */
public final class OpenSshServer implements AutoCloseable {

    /** What to run when the OpenSSH binaries are missing (as CI does). */
    public static final String INSTALL_HINT = "apt-get install -y openssh-server";

    private static final String HOST = "127.0.0.1";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);
    private static final int START_ATTEMPTS = 5;

    private final Path dir;
    private final Path sshd;
    private final Path sshKeygen;
    private final Path config;
    private final Path log;
    private final Path hostKey;
    private final Path clientKey;
    private final Path authorizedKeys;
    private final Path knownHosts;
    private int port;
    private Process process;

    private OpenSshServer(Path dir) {
        this.dir = dir;
        this.sshd = findTool("sshd");
        this.sshKeygen = findTool("ssh-keygen");
        this.config = dir.resolve("sshd_config");
        this.log = dir.resolve("sshd.log");
        this.hostKey = dir.resolve("ssh_host_ed25519_key");
        this.clientKey = dir.resolve("id_ed25519");
        this.authorizedKeys = dir.resolve("authorized_keys");
        this.knownHosts = dir.resolve("known_hosts");
    }

    /** Starts a server in a new temp directory. */
    public static OpenSshServer start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("sparkd-sshd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OpenSshServer server = new OpenSshServer(dir);
        try {
            server.setUp();
            return server;
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    private void setUp() {
        ensurePrivilegeSeparationDirectory();
        generateKey(hostKey, "ed25519", "");
        generateKey(clientKey, "ed25519", "");
        write(authorizedKeys, "");
        authorize(publicKeyOf(clientKey));
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            writeConfig();
            if (launch()) {
                break;
            }
            if (attempt == START_ATTEMPTS) {
                throw new AssertionError("sshd could not bind a loopback port after "
                        + START_ATTEMPTS + " attempts; its log:\n" + logText());
            }
        }
        writeKnownHosts(false);
    }

    /**
     * Runs {@code ssh-keygen} with {@code args} and returns its output; fails the test with the
     * install command if OpenSSH is missing, and with the output if it exits non-zero.
     */
    public static String sshKeygen(String... args) {
        List<String> command = new ArrayList<>();
        command.add(findTool("ssh-keygen").toString());
        command.addAll(List.of(args));
        return run(command);
    }

    /** Loopback address the server listens on. */
    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** The login user: whoever runs the tests (root in CI). */
    public String user() {
        return System.getProperty("user.name");
    }

    /** The server's working directory (keys, config, log); deleted by {@link #close()}. */
    public Path dir() {
        return dir;
    }

    /** The authorized ed25519 client private key. */
    public Path clientKey() {
        return clientKey;
    }

    /** A known_hosts file holding this server's current host key as {@code [127.0.0.1]:port}. */
    public Path knownHosts() {
        return knownHosts;
    }

    public Path hostPublicKey() {
        return publicKeyOf(hostKey);
    }

    public Path authorizedKeys() {
        return authorizedKeys;
    }

    /** A target for this server: its port, the authorized client key and {@link #knownHosts()}. */
    public SshTarget target() {
        return SshTarget.of(HOST, user(), clientKey, knownHosts).withPort(port)
                .withName("test-sshd");
    }

    /** The host key's fingerprint as {@code ssh-keygen -lf} prints it ({@code SHA256:...}). */
    public String hostKeyFingerprint() {
        String line = run(List.of(sshKeygen.toString(), "-l", "-E", "sha256", "-f",
                hostPublicKey().toString()));
        return line.split("\\s+")[1];
    }

    /** The {@code [127.0.0.1]:port type base64} known_hosts line for the current host key. */
    public String knownHostsLine() {
        String[] publicKey = read(hostPublicKey()).strip().split("\\s+");
        return "[" + HOST + "]:" + port + " " + publicKey[0] + " " + publicKey[1];
    }

    /** Rewrites {@link #knownHosts()} for the current host key, hashed with {@code ssh-keygen -H} if asked. */
    public void writeKnownHosts(boolean hashed) {
        write(knownHosts, knownHostsLine() + "\n");
        if (hashed) {
            run(List.of(sshKeygen.toString(), "-H", "-f", knownHosts.toString()));
        }
    }

    /**
     * Generates a client key pair in the server directory.
     *
     * @param name file name of the private key; the public key is {@code name.pub}
     * @param type {@code ed25519}, {@code ecdsa} or {@code rsa}
     * @param passphrase empty for none
     * @return the private key path
     */
    public Path generateClientKey(String name, String type, String passphrase) {
        Path key = dir.resolve(name);
        generateKey(key, type, passphrase);
        return key;
    }

    /** Appends a public key file's line to {@code authorized_keys}. */
    public void authorize(Path publicKey) {
        try {
            Files.writeString(authorizedKeys, read(publicKey),
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops and starts sshd on the same port with the same keys; open connections break. */
    public void restart() {
        stop();
        if (!launch()) {
            throw new AssertionError("sshd did not come back on port " + port + ":\n" + logText());
        }
    }

    /**
     * Gives the server a new ed25519 host key and restarts it on the same port;
     * {@link #knownHosts()} is left holding the old key.
     */
    public void replaceHostKey() {
        stop();
        delete(hostKey);
        delete(publicKeyOf(hostKey));
        generateKey(hostKey, "ed25519", "");
        if (!launch()) {
            throw new AssertionError("sshd did not come back on port " + port + ":\n" + logText());
        }
    }

    /** Everything sshd logged so far (it runs with {@code -e}: log to stderr, here a file). */
    public String logText() {
        return Files.exists(log) ? read(log) : "";
    }

    /** How many logins sshd accepted so far: one per SSH connection, however many commands ran. */
    public long acceptedLogins() {
        return logText().lines().filter(line -> line.contains("Accepted publickey")).count();
    }

    /** Stops sshd and every per-connection sshd it forked. */
    public void stop() {
        if (process == null) {
            return;
        }
        // Children serve open connections and would outlive the listener; end them too.
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : children) {
                child.onExit().get(5, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            children.forEach(ProcessHandle::destroyForcibly);
        }
        process = null;
    }

    /** Stops sshd and deletes its directory. */
    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(OpenSshServer::delete);
        } catch (IOException e) {
            // a leftover temp directory is not worth failing a test for
        }
    }

    private void writeConfig() {
        List<String> lines = new ArrayList<>(List.of(
                "Port " + port,
                "ListenAddress " + HOST,
                "HostKey " + hostKey,
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + authorizedKeys,
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "StrictModes no",
                "UsePAM no",
                "UseDNS no",
                "PrintMotd no",
                "PrintLastLog no",
                "PermitTTY no",
                "X11Forwarding no",
                "AllowTcpForwarding no",
                "AllowAgentForwarding no",
                "Subsystem sftp internal-sftp",
                "LogLevel VERBOSE"));
        write(config, String.join("\n", lines) + "\n");
        // OpenSSH 9.8+ shuts out a source address after failed logins; tests fail logins on
        // purpose and all come from 127.0.0.1. Older sshd rejects the option, so probe first.
        if (exitCode(List.of(sshd.toString(), "-t", "-f", config.toString(), "-o",
                "PerSourcePenalties=no")) == 0) {
            lines.add("PerSourcePenalties no");
            write(config, String.join("\n", lines) + "\n");
        }
    }

    /** Starts sshd; true once it listens, false if the port was taken. */
    private boolean launch() {
        long logStart = Files.exists(log) ? size(log) : 0;
        try {
            process = new ProcessBuilder(sshd.toString(), "-D", "-e", "-f", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + sshd, e);
        }
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String since = logText().substring((int) Math.min(logStart, logText().length()));
            if (since.contains("Server listening on " + HOST + " port " + port)) {
                return true;
            }
            if (!process.isAlive()) {
                process = null;
                if (since.contains("Address already in use")) {
                    return false;
                }
                throw new AssertionError("sshd exited at startup:\n" + since);
            }
            sleep(50);
        }
        stop();
        throw new AssertionError("sshd did not listen within " + STARTUP_TIMEOUT + ":\n"
                + logText());
    }

    /** sshd started as root refuses to run without its privilege separation directory. */
    private void ensurePrivilegeSeparationDirectory() {
        if (!"root".equals(user())) {
            return;
        }
        Path privsep = Path.of("/run/sshd");
        try {
            Files.createDirectories(privsep);
        } catch (IOException e) {
            throw new AssertionError("sshd needs " + privsep + " and it cannot be created: " + e);
        }
    }

    private void generateKey(Path key, String type, String passphrase) {
        List<String> command = new ArrayList<>(List.of(sshKeygen.toString(), "-q", "-t", type,
                "-N", passphrase, "-C", "sparkd-test", "-f", key.toString()));
        if (type.equals("rsa")) {
            command.addAll(List.of("-b", "2048")); // smaller than the default: faster, still valid
        }
        run(command);
    }

    private static Path publicKeyOf(Path privateKey) {
        return privateKey.resolveSibling(privateKey.getFileName() + ".pub");
    }

    private static Path findTool(String name) {
        List<Path> candidates = new ArrayList<>();
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty()) {
                candidates.add(Path.of(entry, name));
            }
        }
        candidates.add(Path.of("/usr/sbin", name));
        candidates.add(Path.of("/usr/bin", name));
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                // sshd re-executes itself and insists on an absolute path.
                return candidate.toAbsolutePath();
            }
        }
        throw new AssertionError("`" + name + "` is not installed, and the SSH tests need a real"
                + " OpenSSH server: run `" + INSTALL_HINT + "`");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String run(List<String> command) {
        try {
            Process tool = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(tool.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8);
            if (!tool.waitFor(60, TimeUnit.SECONDS) || tool.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static int exitCode(List<String> command) {
        try {
            Process tool = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return tool.waitFor(30, TimeUnit.SECONDS) ? tool.exitValue() : -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
