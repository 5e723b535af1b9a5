package dev.sparkd.core.ssh;

import java.time.Duration;

/**
 * A command did not finish within its timeout. The remote {@code timeout} wrapper ends the
 * process (TERM, then KILL {@value RemoteCommand#KILL_AFTER_SECONDS} s later) even if the
 * connection is gone; locally, the channel was closed.
 */
public final class SshCommandTimeoutException extends SshException {

    private final Duration timeout;

    SshCommandTimeoutException(SshTarget target, String program, Duration timeout) {
        this(target, timeout, "`" + program + "` on " + target.describe()
                + " did not finish within " + seconds(timeout) + " s and was stopped");
    }

    private SshCommandTimeoutException(SshTarget target, Duration timeout, String message) {
        super(target, message);
        this.timeout = timeout;
    }

    /** The command never started: all of the target's channels stayed busy for {@code timeout}. */
    static SshCommandTimeoutException notStarted(SshTarget target, String program,
            Duration timeout, int channels) {
        return new SshCommandTimeoutException(target, timeout, "`" + program + "` could not start on "
                + target.describe() + " within " + seconds(timeout) + " s: all " + channels
                + " command slots for this host stayed busy");
    }

    private static double seconds(Duration timeout) {
        return timeout.toMillis() / 1000.0;
    }

    /** The timeout that was exceeded. */
    public Duration timeout() {
        return timeout;
    }
}
