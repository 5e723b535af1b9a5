package dev.sparkd.services.ssh;

import java.time.Duration;

/**
 * A command did not finish within its timeout. The remote {@code timeout} wrapper ends the
 * process (TERM, then KILL {@value RemoteCommand#KILL_AFTER_SECONDS} s later) even if the
 * connection is gone; locally, the channel was closed.
 */
public final class SshCommandTimeoutException extends SshException {

    private final Duration timeout;

    SshCommandTimeoutException(SshTarget target, String program, Duration timeout) {
        super(target, "`" + program + "` on " + target.describe() + " did not finish within "
                + timeout.toMillis() / 1000.0 + " s and was stopped");
        this.timeout = timeout;
    }

    /** The timeout that was exceeded. */
    public Duration timeout() {
        return timeout;
    }
}
