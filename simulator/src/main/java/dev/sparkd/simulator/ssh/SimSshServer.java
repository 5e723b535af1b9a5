package dev.sparkd.simulator.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.session.ServerSession;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The SSH endpoint of one simulated host: an OpenSSH-like server on 127.0.0.1 that accepts public-key authentication
 * against an {@code authorized_keys} file (re-read on every attempt, so a test can revoke a key) and nothing else — no
 * passwords, no keyboard-interactive, no shell, no forwarding. Each exec request runs through a
 * {@link CommandInterpreter} and lands in the {@link CommandLog}.
 *
 * <pre>{@code
 * SimSshServer ssh = new SimSshServer(host, stateDir.resolve("ssh_host_ed25519_key"), authorizedKeys, 0);
 * ssh.start();
 * ssh.port(); ssh.hostKeyFingerprint(); ssh.knownHostsLine();
 * ssh.close();
 * }</pre>
 */
public final class SimSshServer implements AutoCloseable {
    private final CommandInterpreter interpreter;
    private final Path hostKeyFile;
    private final Path authorizedKeysFile;
    private final int requestedPort;
    private final CommandLog log = new CommandLog();
    private SshServer server;
    private SshKeyFile hostKey;

    /**
     * @param host               the simulated host commands act on
     * @param hostKeyFile        OpenSSH private key; an Ed25519 key is generated there (plus {@code .pub}) when missing
     * @param authorizedKeysFile OpenSSH {@code authorized_keys}; the only way in
     * @param port               TCP port on 127.0.0.1, 0 for an ephemeral one
     */
    public SimSshServer(SshHost host, Path hostKeyFile, Path authorizedKeysFile, int port) {
        this(new CommandInterpreter(host), hostKeyFile, authorizedKeysFile, port);
    }

    /**
     * A {@code @QuarkusTest} earlier in the same JVM may have registered Bouncy Castle from its own class loader; a
     * simulated SSH server of another class loader (a plain test's) must use its own copy, or keys fail to load
     * (ClassCastException, "Missing end marker"). SSHD registers Bouncy Castle only once per class loader, so a foreign
     * copy is replaced by this class loader's, never just removed.
     */
    public static synchronized void useOwnBouncyCastle() {
        Provider bc = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
        if (bc == null || bc.getClass().getClassLoader() != BouncyCastleProvider.class.getClassLoader()) {
            Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
            Security.addProvider(new BouncyCastleProvider());
        }
    }

    public SimSshServer(CommandInterpreter interpreter, Path hostKeyFile, Path authorizedKeysFile, int port) {
        this.interpreter = Objects.requireNonNull(interpreter, "interpreter");
        this.hostKeyFile = Objects.requireNonNull(hostKeyFile, "hostKeyFile");
        this.authorizedKeysFile = Objects.requireNonNull(authorizedKeysFile, "authorizedKeysFile");
        this.requestedPort = port;
    }

    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        useOwnBouncyCastle();
        hostKey = SshKeyFile.loadOrCreate(hostKeyFile);
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost("127.0.0.1");
        s.setPort(requestedPort);
        s.setKeyPairProvider(KeyPairProvider.wrap(hostKey.keyPair()));
        s.setPasswordAuthenticator(null);
        s.setKeyboardInteractiveAuthenticator(null);
        s.setGSSAuthenticator(null);
        s.setHostBasedAuthenticator(null);
        s.setPublickeyAuthenticator(this::authorized);
        s.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        s.setShellFactory(null);
        s.setCommandFactory((channel, command) -> new Exec(command));
        s.start();
        server = s;
    }

    /** The bound port (the ephemeral one when constructed with 0). */
    public synchronized int port() {
        requireStarted();
        return server.getPort();
    }

    /** {@code SHA256:…}, exactly as {@code ssh-keygen -lf} or a client's host-key prompt prints it. */
    public synchronized String hostKeyFingerprint() {
        requireStarted();
        return hostKey.fingerprint();
    }

    /** A ready known_hosts line for this server: {@code [127.0.0.1]:PORT ssh-ed25519 AAAA…}. */
    public synchronized String knownHostsLine() {
        return "[127.0.0.1]:" + port() + " " + hostKey.publicKeyEntry();
    }

    public CommandLog commandLog() {
        return log;
    }

    /** For faults on the command side ({@link CommandInterpreter#setLatency}). */
    public CommandInterpreter interpreter() {
        return interpreter;
    }

    public synchronized boolean isRunning() {
        return server != null && server.isStarted();
    }

    @Override
    public synchronized void close() throws IOException {
        if (server != null) {
            server.stop(true);
            server = null;
        }
        interpreter.close();
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("SimSshServer not started");
        }
    }

    private boolean authorized(String user, PublicKey key, ServerSession session) {
        try {
            if (!Files.isRegularFile(authorizedKeysFile)) {
                return false;
            }
            for (AuthorizedKeyEntry entry : AuthorizedKeyEntry.readAuthorizedKeys(authorizedKeysFile)) {
                PublicKey allowed = entry.resolvePublicKey(session, PublicKeyEntryResolver.IGNORING);
                if (allowed != null && KeyUtils.compareKeys(allowed, key)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            return false; // a malformed file lets nobody in, as sshd would
        }
    }

    /** One exec channel: runs the command on its own thread, writes its output, reports the exit status. */
    private final class Exec implements Command, Runnable {
        private final String command;
        private InputStream in = InputStream.nullInputStream();
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private String user = "";
        private Thread thread;

        Exec(String command) {
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in; // read only by a command that reads stdin (install /dev/stdin)
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            user = channel.getSession().getUsername();
            thread = new Thread(this, "sim-ssh-exec");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            Instant started = Instant.now();
            ExecResult r = interpreter.execute(command, user, in);
            log.add(new CommandLog.Entry(started, user, command, r.exitCode(), Duration.between(started, Instant.now())));
            try {
                out.write(r.stdout().getBytes(StandardCharsets.UTF_8));
                out.flush();
                err.write(r.stderr().getBytes(StandardCharsets.UTF_8));
                err.flush();
            } catch (IOException e) {
                // the client went away; nothing left to tell it
            }
            exit.onExit(r.exitCode());
        }

        @Override
        public void destroy(ChannelSession channel) {
            if (thread != null) {
                thread.interrupt();
            }
        }
    }
}
