package dev.sparkd.core.ssh;

import java.time.Duration;
import java.util.Objects;

/**
 * What a finished remote command produced.
 *
 * @param exitCode the command's exit status; 128+N if it was killed by signal N
 * @param stdout standard output, decoded as UTF-8, at most the runner's per-stream limit
 * @param stderr standard error, decoded as UTF-8, at most the runner's per-stream limit
 * @param duration wall-clock time from opening the channel to its close
 * @param stdoutTruncated whether standard output exceeded the limit and was cut
 * @param stderrTruncated whether standard error exceeded the limit and was cut
 */
public record CommandResult(
        int exitCode,
        String stdout,
        String stderr,
        Duration duration,
        boolean stdoutTruncated,
        boolean stderrTruncated) {

    public CommandResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(duration, "duration");
    }

    /** A result whose output was not truncated. */
    public CommandResult(int exitCode, String stdout, String stderr, Duration duration) {
        this(exitCode, stdout, stderr, duration, false, false);
    }

    /** Whether the command exited with status 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }

    @Override
    public String toString() {
        // Output can be large; show its size, not its content.
        return "CommandResult[exitCode=" + exitCode + ", stdout=" + stdout.length() + " chars"
                + (stdoutTruncated ? " (truncated)" : "") + ", stderr=" + stderr.length()
                + " chars" + (stderrTruncated ? " (truncated)" : "") + ", duration=" + duration
                + "]";
    }
}
