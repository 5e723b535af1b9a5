package dev.sparkd.core.ssh;

/** The connection could not be established in time, was refused, or broke while in use. */
public final class SshConnectException extends SshException {

    SshConnectException(SshTarget target, String message, Throwable cause) {
        super(target, message, cause);
    }
}
