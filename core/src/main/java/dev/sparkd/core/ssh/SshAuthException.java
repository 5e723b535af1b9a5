package dev.sparkd.core.ssh;

/**
 * Could not authenticate: the key file is missing, unreadable, encrypted without a usable
 * passphrase, or the server rejected it. Names the user and key file, never their contents.
 */
public final class SshAuthException extends SshException {

    SshAuthException(SshTarget target, String message) {
        super(target, message);
    }

    SshAuthException(SshTarget target, String message, Throwable cause) {
        super(target, message, cause);
    }
}
