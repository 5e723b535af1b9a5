package dev.sparkd.core.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import com.jcraft.jsch.Session;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.jboss.logging.Logger;

/**
 * Opens one authenticated SSH connection to a target: key auth only, host key checked strictly
 * against the target's known_hosts, failures turned into the runner's typed exceptions.
 */
final class SessionOpener {

    private static final Logger LOG = Logger.getLogger(SessionOpener.class);
    private static final int KEEP_ALIVE_MISSES_BEFORE_DISCONNECT = 3;

    private final SshRunnerOptions options;

    SessionOpener(SshRunnerOptions options) {
        this.options = options;
    }

    /** Connects and authenticates; the returned session is ready for exec channels. */
    Session open(SshTarget target) {
        JSch jsch = new JSch();
        String clientKey = addIdentity(jsch, target);
        StrictHostKeyRepository hostKeys = new StrictHostKeyRepository(
                loadKnownHosts(target), target.knownHosts().toString());
        Session session;
        try {
            session = jsch.getSession(target.user(), target.address(), target.port());
        } catch (JSchException e) {
            throw new SshConnectException(target, "cannot set up SSH to " + target.describe()
                    + ": " + e.getMessage(), e);
        }
        session.setHostKeyRepository(hostKeys);
        session.setConfig("StrictHostKeyChecking", "yes");
        session.setConfig("PreferredAuthentications", "publickey");
        session.setDaemonThread(true);
        try {
            session.setServerAliveInterval((int) options.keepAliveInterval().toMillis());
            session.setServerAliveCountMax(KEEP_ALIVE_MISSES_BEFORE_DISCONNECT);
            session.connect((int) options.connectTimeout().toMillis());
        } catch (JSchException e) {
            session.disconnect();
            throw translate(target, hostKeys, clientKey, e);
        }
        LOG.debugf("connected to %s", target.describe());
        return session;
    }

    /**
     * Loads the private key (and its passphrase, if any) into {@code jsch}; returns the key's
     * public fingerprint for messages. Reports problems without ever showing key material.
     */
    private static String addIdentity(JSch jsch, SshTarget target) {
        Path keyFile = target.keyFile();
        byte[] key = null;
        byte[] passphrase = null;
        try {
            key = readFile(target, keyFile, "private key file");
            KeyPair pair;
            try {
                pair = KeyPair.load(jsch, key.clone(), null);
            } catch (JSchException e) {
                throw new SshAuthException(target, "private key file " + keyFile + " for "
                        + target.describe() + " is not a private key JSch can read (OpenSSH or"
                        + " PEM format; ed25519, ECDSA or RSA): " + e.getMessage());
            }
            String fingerprint = publicFingerprint(pair);
            if (pair.isEncrypted()) {
                if (target.passphraseFile().isEmpty()) {
                    throw new SshAuthException(target, "private key file " + keyFile + " for "
                            + target.describe() + " is encrypted, but no passphrase file is"
                            + " configured: set one, or use an unencrypted key readable only by"
                            + " sparkd");
                }
                passphrase = readPassphrase(target, target.passphraseFile().get());
                if (!pair.decrypt(passphrase.clone())) {
                    throw new SshAuthException(target, "the passphrase in "
                            + target.passphraseFile().get() + " does not decrypt private key file "
                            + keyFile + " for " + target.describe());
                }
            }
            pair.dispose();
            jsch.addIdentity(keyFile.toString(), key.clone(), null,
                    passphrase == null ? null : passphrase.clone());
            return keyFile + (fingerprint == null ? "" : " (" + fingerprint + ")");
        } catch (JSchException e) {
            throw new SshAuthException(target, "cannot use private key file " + keyFile + " for "
                    + target.describe() + ": " + e.getMessage());
        } finally {
            wipe(key);
            wipe(passphrase);
        }
    }

    private static String publicFingerprint(KeyPair pair) {
        byte[] blob = pair.getPublicKeyBlob();
        return blob == null || blob.length == 0 ? null : PresentedHostKey.fingerprint(blob);
    }

    /** The passphrase is the file's first line, as with {@code LoadCredential=} files. */
    private static byte[] readPassphrase(SshTarget target, Path file) {
        byte[] content = readFile(target, file, "passphrase file");
        int end = 0;
        while (end < content.length && content[end] != '\n' && content[end] != '\r') {
            end++;
        }
        byte[] firstLine = Arrays.copyOf(content, end);
        wipe(content);
        return firstLine;
    }

    private static byte[] readFile(SshTarget target, Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SshAuthException(target, "cannot read " + what + " " + file + " for "
                    + target.describe() + ": " + describeIoFailure(e), e);
        }
    }

    private static KnownHostsFile loadKnownHosts(SshTarget target) {
        try {
            return KnownHostsFile.load(target.knownHosts());
        } catch (IOException e) {
            throw new SshConnectException(target, "cannot read known_hosts file "
                    + target.knownHosts() + " for " + target.describe() + ": "
                    + describeIoFailure(e), e);
        }
    }

    private SshException translate(SshTarget target, StrictHostKeyRepository hostKeys,
            String clientKey, JSchException e) {
        KnownHostsFile.Verdict verdict = hostKeys.verdict();
        if (verdict != null && verdict != KnownHostsFile.Verdict.TRUSTED) {
            PresentedHostKey presented = hostKeys.presented();
            return switch (verdict) {
                case UNKNOWN -> new HostKeyUnknownException(target, presented);
                case CHANGED -> new HostKeyChangedException(target, presented);
                case REVOKED -> new HostKeyRevokedException(target, presented);
                case TRUSTED -> throw new AssertionError("unreachable");
            };
        }
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("Auth fail") || message.startsWith("Auth cancel")) {
            return new SshAuthException(target, target.describe() + " refused public key "
                    + "authentication for user " + target.user() + " with key " + clientKey
                    + ": is its public key in ~" + target.user()
                    + "/.ssh/authorized_keys on the host?", e);
        }
        Throwable cause = e.getCause();
        String why;
        if (cause instanceof ConnectException) {
            why = "connection refused (is sshd running and listening on port " + target.port()
                    + "?)";
        } else if (cause instanceof SocketTimeoutException || message.contains("timeout")
                || message.contains("timed out")) {
            why = "no SSH handshake within " + options.connectTimeout().toMillis() / 1000.0
                    + " s (host down, firewalled, or not an SSH server?)";
        } else if (cause instanceof UnknownHostException) {
            why = "cannot resolve host name " + target.address();
        } else if (cause instanceof NoRouteToHostException) {
            why = "no route to host";
        } else {
            why = message;
        }
        return new SshConnectException(target, "cannot connect to " + target.describe() + ": "
                + why, e);
    }

    private static String describeIoFailure(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied (is it readable by the sparkd user?)";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static void wipe(byte[] secret) {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
