package dev.sparkd.core.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The one SSH connection to one target, shared by every command for it: each command is an exec
 * channel on it. Connects lazily, reconnects when the connection broke, and caps how many
 * channels are open at once.
 */
final class SshConnection implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SshConnection.class);

    /**
     * How long past the command timeout the local side waits: the remote {@code timeout} fires
     * first and its exit status is read, unless the host itself stopped answering.
     */
    static final Duration LOCAL_GRACE = Duration.ofSeconds(2);

    /** GNU timeout's exit status when it stopped the command (124), or KILLed it (128+9). */
    private static final int TIMED_OUT = 124;
    private static final int TIMED_OUT_KILLED = 137;

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private static final Map<String, Integer> SIGNAL_NUMBERS = Map.of(
            "HUP", 1, "INT", 2, "QUIT", 3, "ABRT", 6, "KILL", 9, "SEGV", 11, "PIPE", 13,
            "ALRM", 14, "TERM", 15, "USR1", 10);

    private final SshTarget target;
    private final SessionOpener opener;
    private final SshRunnerOptions options;
    private final Semaphore channels;
    private Session session; // guarded by this
    private boolean closed; // guarded by this

    SshConnection(SshTarget target, SessionOpener opener, SshRunnerOptions options) {
        this.target = target;
        this.opener = opener;
        this.options = options;
        this.channels = new Semaphore(options.maxConcurrentCommandsPerTarget(), true);
    }

    /** Runs {@code command} under {@code timeout}, remotely and locally enforced. */
    CommandResult run(RemoteCommand command, Duration timeout) {
        return run(command, new byte[0], timeout);
    }

    /** As {@link #run(RemoteCommand, Duration)}, with {@code stdin} as the command's standard input. */
    CommandResult run(RemoteCommand command, byte[] stdin, Duration timeout) {
        try {
            if (!channels.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw SshCommandTimeoutException.notStarted(target, command.program(), timeout,
                        options.maxConcurrentCommandsPerTarget());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException(target, "interrupted waiting to run `" + command.program()
                    + "` on " + target.describe());
        }
        try {
            return execute(command, stdin, timeout, true);
        } finally {
            channels.release();
        }
    }

    private CommandResult execute(RemoteCommand command, byte[] stdin, Duration timeout, boolean mayRetry) {
        Session current = session();
        BoundedOutput stdout = new BoundedOutput(options.maxOutputBytes());
        BoundedOutput stderr = new BoundedOutput(options.maxOutputBytes());
        ChannelExec channel = null;
        long started = System.nanoTime();
        try {
            channel = (ChannelExec) current.openChannel("exec");
            channel.setCommand(command.withTimeout(timeout).toShell()
                    .getBytes(StandardCharsets.UTF_8));
            // The given bytes, then EOF (an empty stdin: the remote side sees EOF at once instead of waiting on input).
            channel.setInputStream(new ByteArrayInputStream(stdin));
            channel.setOutputStream(stdout);
            channel.setExtOutputStream(stderr);
            channel.connect((int) options.connectTimeout().toMillis());
        } catch (JSchException e) {
            if (channel != null) {
                channel.disconnect();
            }
            if (!current.isConnected()) {
                // The connection was dead before the command could start: reconnect, once.
                discard(current);
                if (mayRetry) {
                    LOG.debugf("connection to %s was broken; reconnecting", target.describe());
                    return execute(command, stdin, timeout, false);
                }
                throw new SshConnectException(target, "connection to " + target.describe()
                        + " broke before `" + command.program() + "` could start", e);
            }
            throw new SshConnectException(target, "cannot start `" + command.program() + "` on "
                    + target.describe() + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos() + LOCAL_GRACE.toNanos();
        try {
            // JSch closes the stderr stream when the channel closes (command done or
            // connection lost); the poll also notices a close that skipped the stream.
            while (!stderr.awaitClosed(Math.min(POLL_NANOS, deadline - System.nanoTime()))) {
                if (channel.isClosed() || !current.isConnected()) {
                    break;
                }
                if (System.nanoTime() - deadline >= 0) {
                    stopRemote(channel);
                    LOG.debugf("`%s` on %s timed out after %s", command.program(),
                            target.describe(), timeout);
                    throw new SshCommandTimeoutException(target, command.program(), timeout);
                }
            }
        } catch (InterruptedException e) {
            stopRemote(channel);
            Thread.currentThread().interrupt();
            throw new SshException(target, "interrupted while `" + command.program()
                    + "` ran on " + target.describe());
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        int exitCode = exitCode(channel);
        channel.disconnect();
        if (exitCode < 0) {
            if (!current.isConnected()) {
                discard(current);
                throw new SshConnectException(target, "connection to " + target.describe()
                        + " was lost while `" + command.program() + "` ran; it may or may not"
                        + " have completed", null);
            }
            throw new SshException(target, "`" + command.program() + "` on " + target.describe()
                    + " ended without an exit status");
        }
        if ((exitCode == TIMED_OUT || exitCode == TIMED_OUT_KILLED)
                && elapsed.compareTo(timeout) >= 0) {
            throw new SshCommandTimeoutException(target, command.program(), timeout);
        }
        return new CommandResult(exitCode, stdout.text(), stderr.text(), elapsed,
                stdout.truncated(), stderr.truncated());
    }

    /** Exit status, or 128+signal as a shell reports it, or -1 if the server sent neither. */
    private static int exitCode(ChannelExec channel) {
        int status = channel.getExitStatus();
        if (status >= 0) {
            return status;
        }
        String signal = channel.getExitSignal();
        if (signal == null) {
            return -1;
        }
        return 128 + SIGNAL_NUMBERS.getOrDefault(signal, 0);
    }

    /** Asks sshd to TERM the command (the remote timeout wrapper passes it on), then closes. */
    private void stopRemote(ChannelExec channel) {
        try {
            channel.sendSignal("TERM");
        } catch (Exception e) {
            // best effort: the remote timeout ends the command anyway
        }
        channel.disconnect();
    }

    private synchronized Session session() {
        if (closed) {
            throw new IllegalStateException("the connection to " + target.describe()
                    + " was closed (runner closed or target disconnected)");
        }
        if (session == null || !session.isConnected()) {
            if (session != null) {
                session.disconnect();
                LOG.debugf("reconnecting to %s", target.describe());
            }
            session = null;
            session = opener.open(target);
        }
        return session;
    }

    /** Forgets {@code broken} so the next command reconnects; a newer session is left alone. */
    private synchronized void discard(Session broken) {
        broken.disconnect();
        if (session == broken) {
            session = null;
        }
    }

    /** Closes the connection; open channels end and their commands fail. */
    @Override
    public synchronized void close() {
        closed = true;
        if (session != null) {
            session.disconnect();
            session = null;
        }
    }
}
