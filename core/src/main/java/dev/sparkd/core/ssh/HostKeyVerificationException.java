package dev.sparkd.core.ssh;

import java.nio.file.Path;

/**
 * The host presented a key that known_hosts does not vouch for; the connection was closed before
 * authentication, so nothing ran on it.
 */
public abstract class HostKeyVerificationException extends SshException {

    private final String keyType;
    private final String fingerprint;
    private final transient Path knownHosts;

    HostKeyVerificationException(SshTarget target, PresentedHostKey presented, String message) {
        super(target, message);
        this.keyType = presented.keyType();
        this.fingerprint = presented.fingerprint();
        this.knownHosts = target.knownHosts();
    }

    /** The presented key's type, e.g. {@code ssh-ed25519}. */
    public String keyType() {
        return keyType;
    }

    /** The presented key's fingerprint as OpenSSH prints it: {@code SHA256:<base64>}. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The known_hosts file that was consulted. */
    public Path knownHosts() {
        return knownHosts;
    }

    /** The command that adds the host's current keys, to run only after checking the fingerprint. */
    static String keyscanCommand(SshTarget target) {
        return "ssh-keyscan -p " + target.port() + " " + ShellQuote.quote(target.address())
                + " >> " + ShellQuote.quote(target.knownHosts().toString());
    }
}
