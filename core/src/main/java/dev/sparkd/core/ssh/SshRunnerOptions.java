package dev.sparkd.core.ssh;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits an {@link SshRunner} applies to every target.
 *
 * @param connectTimeout TCP connect plus SSH handshake and authentication
 * @param commandTimeout how long a command may run when the caller names no timeout
 * @param maxOutputBytes bytes kept per stream (stdout, stderr); the rest is read and dropped
 * @param maxConcurrentCommandsPerTarget exec channels open at once on one connection; keep it
 *     below sshd's {@code MaxSessions} (default 10), which refuses channels beyond it
 * @param keepAliveInterval how often an idle connection is probed, so a dead one is noticed
 */
public record SshRunnerOptions(
        Duration connectTimeout,
        Duration commandTimeout,
        int maxOutputBytes,
        int maxConcurrentCommandsPerTarget,
        Duration keepAliveInterval) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_CONCURRENT_COMMANDS = 8;
    public static final Duration DEFAULT_KEEP_ALIVE_INTERVAL = Duration.ofSeconds(15);

    public SshRunnerOptions {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(commandTimeout, "commandTimeout");
        requirePositive(keepAliveInterval, "keepAliveInterval");
        if (maxOutputBytes < 1) {
            throw new IllegalArgumentException("maxOutputBytes must be positive");
        }
        if (maxConcurrentCommandsPerTarget < 1) {
            throw new IllegalArgumentException("maxConcurrentCommandsPerTarget must be positive");
        }
    }

    /** 10 s connect, 60 s per command, 1 MiB per stream, 8 commands at once, 15 s keep-alive. */
    public static SshRunnerOptions defaults() {
        return new SshRunnerOptions(DEFAULT_CONNECT_TIMEOUT, DEFAULT_COMMAND_TIMEOUT,
                DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_MAX_CONCURRENT_COMMANDS,
                DEFAULT_KEEP_ALIVE_INTERVAL);
    }

    public SshRunnerOptions withConnectTimeout(Duration value) {
        return new SshRunnerOptions(value, commandTimeout, maxOutputBytes,
                maxConcurrentCommandsPerTarget, keepAliveInterval);
    }

    public SshRunnerOptions withCommandTimeout(Duration value) {
        return new SshRunnerOptions(connectTimeout, value, maxOutputBytes,
                maxConcurrentCommandsPerTarget, keepAliveInterval);
    }

    public SshRunnerOptions withMaxOutputBytes(int value) {
        return new SshRunnerOptions(connectTimeout, commandTimeout, value,
                maxConcurrentCommandsPerTarget, keepAliveInterval);
    }

    public SshRunnerOptions withMaxConcurrentCommandsPerTarget(int value) {
        return new SshRunnerOptions(connectTimeout, commandTimeout, maxOutputBytes, value,
                keepAliveInterval);
    }

    public SshRunnerOptions withKeepAliveInterval(Duration value) {
        return new SshRunnerOptions(connectTimeout, commandTimeout, maxOutputBytes,
                maxConcurrentCommandsPerTarget, value);
    }

    private static void requirePositive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }
}
