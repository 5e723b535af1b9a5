package dev.sparkd.core.ssh;

/**
 * Base of every failure the SSH runner reports; the message says what happened, on which target,
 * and how to fix it. Messages never contain key material, passphrases or command output.
 */
public class SshException extends RuntimeException {

    private final transient SshTarget target;

    protected SshException(SshTarget target, String message) {
        super(message);
        this.target = target;
    }

    protected SshException(SshTarget target, String message, Throwable cause) {
        super(message, cause);
        this.target = target;
    }

    /** The target the failure happened on. */
    public SshTarget target() {
        return target;
    }
}
