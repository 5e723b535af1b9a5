package dev.sparkd.simulator.ssh;

/** What one simulated command produced: exit status and the bytes it wrote to stdout and stderr (UTF-8 text). */
public record ExecResult(int exitCode, String stdout, String stderr) {
    public static ExecResult ok(String stdout) {
        return new ExecResult(0, stdout, "");
    }

    public static ExecResult error(int exitCode, String stderr) {
        return new ExecResult(exitCode, "", stderr);
    }

    public ExecResult withExitCode(int code) {
        return new ExecResult(code, stdout, stderr);
    }
}
