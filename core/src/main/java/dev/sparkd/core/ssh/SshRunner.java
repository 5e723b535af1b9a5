package dev.sparkd.core.ssh;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;

/**
 * Runs {@link RemoteCommand}s on {@link SshTarget}s over SSH.
 *
 * <p>Security defaults that callers cannot turn off: host keys must already be in the target's
 * known_hosts (unknown, changed or revoked keys are refused with the fingerprint in the error),
 * authentication is by key only, every command runs under {@code timeout} on the remote side and
 * under a deadline locally, and output is capped per stream.
 *
 * <p>One SSH connection per target is opened on first use and shared by all commands for it (one
 * exec channel each), reconnected when broken. Thread-safe. {@link #run} blocks and refuses to
 * run on a Vert.x event loop; {@link #runAsync} does the same work on a worker executor.
 */
public final class SshRunner implements AutoCloseable {

    private final SshRunnerOptions options;
    private final Executor executor;
    private final SessionOpener opener;
    private final ConcurrentMap<SshTarget, SshConnection> connections = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A runner with {@link SshRunnerOptions#defaults()} on Mutiny's default worker pool. */
    public SshRunner() {
        this(SshRunnerOptions.defaults());
    }

    /** A runner with {@code options} on Mutiny's default worker pool. */
    public SshRunner(SshRunnerOptions options) {
        this(options, Infrastructure.getDefaultWorkerPool());
    }

    /** A runner with {@code options} whose async calls block threads of {@code executor}. */
    public SshRunner(SshRunnerOptions options, Executor executor) {
        this.options = Objects.requireNonNull(options, "options");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.opener = new SessionOpener(options);
    }

    public SshRunnerOptions options() {
        return options;
    }

    /** Runs {@code command} on {@code target} under the default command timeout; blocks. */
    public CommandResult run(SshTarget target, RemoteCommand command) {
        return run(target, command, options.commandTimeout());
    }

    /**
     * Runs {@code command} on {@code target}, ending it after {@code timeout}; blocks.
     *
     * <p>The timeout covers the command's run; connecting has its own
     * {@linkplain SshRunnerOptions#connectTimeout() timeout}. A non-zero exit status is a
     * result, not an exception.
     *
     * @throws HostKeyVerificationException the host key is unknown, changed or revoked
     * @throws SshAuthException the key could not be used or was refused
     * @throws SshConnectException no connection, or it broke while the command ran
     * @throws SshCommandTimeoutException the command ran out of time and was stopped
     * @throws IllegalStateException called on a Vert.x event loop, or after {@link #close()}
     */
    public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout) {
        checkArguments(target, command, timeout);
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("SshRunner.run blocks and must not be called on a"
                    + " Vert.x event loop thread; use runAsync");
        }
        return connection(target).run(command, timeout);
    }

    /**
     * As {@link #run(SshTarget, RemoteCommand, Duration)}, with {@code stdin} written to the command's standard input
     * (then EOF): how a secret reaches a remote file without appearing on either machine's command line.
     */
    public CommandResult run(SshTarget target, RemoteCommand command, byte[] stdin, Duration timeout) {
        checkArguments(target, command, timeout);
        Objects.requireNonNull(stdin, "stdin");
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("SshRunner.run blocks and must not be called on a"
                    + " Vert.x event loop thread; use runAsync");
        }
        return connection(target).run(command, stdin.clone(), timeout);
    }

    /** {@link #run(SshTarget, RemoteCommand)} on the worker executor. */
    public Uni<CommandResult> runAsync(SshTarget target, RemoteCommand command) {
        return runAsync(target, command, options.commandTimeout());
    }

    /** {@link #run(SshTarget, RemoteCommand, Duration)} on the worker executor. */
    public Uni<CommandResult> runAsync(SshTarget target, RemoteCommand command, Duration timeout) {
        checkArguments(target, command, timeout);
        return Uni.createFrom().item(() -> connection(target).run(command, timeout))
                .runSubscriptionOn(executor);
    }

    /** Closes the connection to {@code target}, if any; the next command reconnects. */
    public void disconnect(SshTarget target) {
        SshConnection connection = connections.remove(target);
        if (connection != null) {
            connection.close();
        }
    }

    /** Closes every connection; later calls fail. */
    @Override
    public void close() {
        closed = true;
        connections.values().forEach(SshConnection::close);
        connections.clear();
    }

    private static void checkArguments(SshTarget target, RemoteCommand command, Duration timeout) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    private SshConnection connection(SshTarget target) {
        if (closed) {
            throw new IllegalStateException("the SSH runner is closed");
        }
        return connections.computeIfAbsent(target,
                t -> new SshConnection(t, opener, options));
    }
}
