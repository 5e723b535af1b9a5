package dev.sparkd.core.ssh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An immutable command to run on a remote host: a program and its arguments, never raw shell text.
 *
 * <p>The program name must match a strict pattern (a bare name such as {@code nvidia-smi} or an
 * absolute path such as {@code /usr/bin/df}); every argument is quoted by {@link ShellQuote}, so
 * it reaches the program verbatim whatever it contains. Callers may additionally constrain an
 * argument with a pattern of their own ({@link Builder#arg(String, Pattern)}). There is
 * deliberately no way to add unquoted text.
 */
public final class RemoteCommand {

    /** Seconds between the remote {@code timeout}'s TERM and its KILL for a process that ignores TERM. */
    public static final int KILL_AFTER_SECONDS = 5;

    private static final int MAX_PROGRAM_LENGTH = 255;
    private static final String NAME_SEGMENT = "[A-Za-z0-9_][A-Za-z0-9_.+-]*";
    private static final Pattern PROGRAM =
            Pattern.compile("/?" + NAME_SEGMENT + "(/" + NAME_SEGMENT + ")*");

    private final String program;
    private final List<String> args;

    private RemoteCommand(String program, List<String> args) {
        this.program = program;
        this.args = List.copyOf(args);
    }

    /** A command from a program name and arguments taken as they are (each will be quoted). */
    public static RemoteCommand of(String program, String... args) {
        return builder(program).args(args).build();
    }

    /** Starts a command for {@code program}; see {@link Builder}. */
    public static Builder builder(String program) {
        return new Builder(program);
    }

    /** The program name or absolute path. */
    public String program() {
        return program;
    }

    /** The arguments, unquoted, in order. */
    public List<String> args() {
        return args;
    }

    /**
     * This command wrapped in {@code timeout -k 5s <n>s}, so the remote side ends it after
     * {@code timeout} (rounded up to whole seconds) even if the SSH connection is gone.
     */
    public RemoteCommand withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        List<String> wrapped = new ArrayList<>(args.size() + 4);
        wrapped.add("-k");
        wrapped.add(KILL_AFTER_SECONDS + "s");
        wrapped.add(seconds + "s");
        wrapped.add(program);
        wrapped.addAll(args);
        return new RemoteCommand("timeout", wrapped);
    }

    /** The command as one line of POSIX shell: every word quoted by {@link ShellQuote#quote}. */
    public String toShell() {
        StringBuilder shell = new StringBuilder(ShellQuote.quote(program));
        for (String arg : args) {
            shell.append(' ').append(ShellQuote.quote(arg));
        }
        return shell.toString();
    }

    @Override
    public String toString() {
        return toShell();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RemoteCommand that
                && program.equals(that.program)
                && args.equals(that.args);
    }

    @Override
    public int hashCode() {
        return Objects.hash(program, args);
    }

    /** Collects arguments for one command; each is checked when added. */
    public static final class Builder {
        private final String program;
        private final List<String> args = new ArrayList<>();

        private Builder(String program) {
            Objects.requireNonNull(program, "program");
            if (program.length() > MAX_PROGRAM_LENGTH || !PROGRAM.matcher(program).matches()) {
                throw new IllegalArgumentException("program name " + ShellQuote.quote(program)
                        + " is not allowed: use a plain name like `nvidia-smi` or an absolute path"
                        + " like `/usr/bin/df` (letters, digits, `_`, `.`, `+`, `-`; no spaces or"
                        + " shell syntax)");
            }
            this.program = program;
        }

        /** Adds one argument, passed verbatim. */
        public Builder arg(String value) {
            Objects.requireNonNull(value, "argument");
            ShellQuote.quote(value); // rejects NUL now rather than when the command is run
            args.add(value);
            return this;
        }

        /** Adds one argument that must match {@code allowed} in full. */
        public Builder arg(String value, Pattern allowed) {
            Objects.requireNonNull(value, "argument");
            Objects.requireNonNull(allowed, "allowed");
            if (!allowed.matcher(value).matches()) {
                throw new IllegalArgumentException("argument " + (args.size() + 1) + " of `"
                        + program + "` is " + abbreviate(ShellQuote.quote(value))
                        + ", which does not match " + allowed.pattern());
            }
            return arg(value);
        }

        /** Adds arguments, each passed verbatim. */
        public Builder args(String... values) {
            for (String value : values) {
                arg(value);
            }
            return this;
        }

        /** Adds arguments, each passed verbatim. */
        public Builder args(Iterable<String> values) {
            for (String value : values) {
                arg(value);
            }
            return this;
        }

        public RemoteCommand build() {
            return new RemoteCommand(program, args);
        }

        private static String abbreviate(String text) {
            return text.length() <= 80 ? text : text.substring(0, 77) + "...";
        }
    }
}
