package dev.sparkd.simulator.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.sparkd.simulator.host.HostFiles;

/**
 * Runs one exec-channel command line against a simulated host. Not a shell: it lexes the line exactly as a POSIX shell
 * would ({@link ShellWords}), honours leading {@code VAR=value} assignments, {@code 2>&1}, {@code >/dev/null} and
 * {@code 2>/dev/null}, and runs one simple command. Pipelines, lists ({@code ;}, {@code &&}) and file redirections are
 * refused with exit 2 — the sparkd clients do not need them, and a simulator that silently ignored them would pass
 * tests a real Spark fails.
 *
 * <p>Unknown commands print dash's {@code sh: 1: NAME: not found} and exit 127.
 */
public final class CommandInterpreter {
    private static final Set<String> KNOWN = Set.of("nvidia-smi", "cat", "df", "docker", "timeout", "true", "false",
            "echo", "hostname", "uname", "sleep", "sh", "bash", "install", "rm", "du", "mkdir");

    /** Who runs the command line, and its standard input (read only by commands that read it). */
    record Session(String user, InputStream stdin) {
        static final Session ROOT = new Session("root", InputStream.nullInputStream());
    }

    private final SshHost host;
    private final NvidiaSmiCommand nvidiaSmi;
    private final DfCommand df;
    private final DockerCommand docker;
    private final ExecutorService timeouts = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sim-ssh-timeout");
        t.setDaemon(true);
        return t;
    });
    private volatile Duration latency = Duration.ZERO;

    public CommandInterpreter(SshHost host) {
        this.host = Objects.requireNonNull(host, "host");
        this.nvidiaSmi = new NvidiaSmiCommand(host.gpu());
        this.df = new DfCommand(host.disk(), host.mount()).createdDirectories(host.files()::isDirectory);
        this.docker = new DockerCommand(host.containers(), host.backend(), host.files());
    }

    public SshHost host() {
        return host;
    }

    /**
     * The "slow host" fault: every command takes this much longer before it answers (a hung NFS mount, a busy docker
     * daemon). It is spent inside the command, so a remote {@code timeout} cuts it short like a real one would.
     */
    public void setLatency(Duration latency) {
        this.latency = Objects.requireNonNull(latency, "latency");
    }

    public Duration latency() {
        return latency;
    }

    /** Runs {@code commandLine}; never throws. An interrupt (the client went away) ends it with 143, as SIGTERM would. */
    public ExecResult execute(String commandLine) {
        return execute(commandLine, "root", InputStream.nullInputStream());
    }

    /** As {@link #execute(String)}, run by SSH user {@code user} with {@code stdin} as its standard input. */
    public ExecResult execute(String commandLine, String user, InputStream stdin) {
        try {
            return executeLine(commandLine, new Session(user, stdin));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ExecResult(143, "", "");
        }
    }

    private ExecResult executeLine(String line, Session session) throws InterruptedException {
        List<ShellWords.Token> tokens;
        try {
            tokens = ShellWords.tokenize(line);
        } catch (ShellWords.SyntaxError e) {
            return ExecResult.error(2, "sh: 1: " + e.getMessage() + "\n");
        }
        List<String> words = new ArrayList<>();
        // Where fd 1 and fd 2 end up: "out", "err" or "null"; redirections apply left to right.
        String fd1 = "out";
        String fd2 = "err";
        for (int i = 0; i < tokens.size(); i++) {
            ShellWords.Token t = tokens.get(i);
            if (t.kind() == ShellWords.Kind.WORD) {
                words.add(t.text());
                continue;
            }
            int fd = -1;
            if (t.kind() == ShellWords.Kind.IO_NUMBER) {
                fd = Integer.parseInt(t.text());
                t = tokens.get(++i); // the lexer only emits IO_NUMBER right before < or >
            }
            String op = t.text();
            if (!Set.of(">", ">>", ">|", ">&", "<").contains(op)) {
                return unsupported(op);
            }
            if (i + 1 >= tokens.size() || tokens.get(i + 1).kind() != ShellWords.Kind.WORD) {
                return ExecResult.error(2, "sh: 1: Syntax error: newline unexpected\n");
            }
            String target = tokens.get(++i).text();
            if (op.equals("<")) {
                if (!target.equals("/dev/null")) {
                    return unsupported("< " + target);
                }
                continue;
            }
            fd = fd < 0 ? 1 : fd;
            String dest;
            if (op.equals(">&")) {
                dest = switch (target) {
                    case "1" -> fd1;
                    case "2" -> fd2;
                    default -> null;
                };
            } else {
                dest = target.equals("/dev/null") ? "null" : null;
            }
            if (dest == null || (fd != 1 && fd != 2)) {
                return unsupported(fd + op + target);
            }
            if (fd == 1) {
                fd1 = dest;
            } else {
                fd2 = dest;
            }
        }
        while (!words.isEmpty() && words.get(0).matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
            words.remove(0); // VAR=value prefixes set the command's environment, which no simulated command reads
        }
        ExecResult r = words.isEmpty() ? ExecResult.ok("") : run(words, session);
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        route(r.stdout(), fd1, out, err);
        route(r.stderr(), fd2, out, err);
        return new ExecResult(r.exitCode(), out.toString(), err.toString());
    }

    private static void route(String text, String dest, StringBuilder out, StringBuilder err) {
        switch (dest) {
            case "out" -> out.append(text);
            case "err" -> err.append(text);
            default -> { }
        }
    }

    private static ExecResult unsupported(String syntax) {
        return ExecResult.error(2, "sh: 1: sparkd simulator: unsupported shell syntax `" + syntax
                + "' (one simple command per exec; redirections only to /dev/null or 2>&1)\n");
    }

    /** Runs one simple command: {@code argv[0]} is the program. */
    ExecResult run(List<String> argv, Session session) throws InterruptedException {
        String program = commandName(argv.get(0));
        List<String> args = argv.subList(1, argv.size());
        if (!KNOWN.contains(program)) {
            return ExecResult.error(127, "sh: 1: " + argv.get(0) + ": not found\n");
        }
        if (!program.equals("timeout") && !latency.isZero()) {
            Thread.sleep(latency.toMillis());
        }
        return switch (program) {
            case "nvidia-smi" -> nvidiaSmi.run(args);
            case "df" -> df.run(args);
            case "docker" -> docker.run(args, session.user());
            case "install" -> install(args, session);
            case "rm" -> rm(args, session);
            case "du" -> du(args, session);
            case "mkdir" -> mkdir(args, session);
            case "cat" -> cat(args);
            case "timeout" -> timeout(args, session);
            case "true" -> ExecResult.ok("");
            case "false" -> new ExecResult(1, "", "");
            case "echo" -> echo(args);
            case "hostname" -> ExecResult.ok(host.hostname() + "\n");
            case "uname" -> uname(args);
            case "sleep" -> sleep(args);
            case "sh", "bash" -> shell(program, args, session);
            default -> throw new IllegalStateException(program);
        };
    }

    /** {@code /usr/bin/docker} runs docker; other absolute paths to known tools likewise. */
    private static String commandName(String word) {
        if (word.matches("(/usr)?(/local)?/s?bin/[^/]+")) {
            return word.substring(word.lastIndexOf('/') + 1);
        }
        return word;
    }

    private ExecResult cat(List<String> files) {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        for (String f : files) {
            switch (f) {
                case "/proc/meminfo" -> out.append(host.memInfo().text());
                case "/etc/hostname" -> out.append(host.hostname()).append('\n');
                default -> err.append("cat: ").append(f).append(": No such file or directory\n");
            }
        }
        return new ExecResult(err.length() == 0 ? 0 : 1, out.toString(), err.toString());
    }

    /**
     * GNU {@code install [-D] [-m MODE] /dev/stdin DEST}: the only form sparkd uses, to put a secret in a file with
     * the given mode (the file is created with that mode, never wider) without it appearing on a command line.
     */
    private ExecResult install(List<String> args, Session session) {
        int mode = 0755;
        List<String> operands = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-m") || a.equals("--mode")) {
                if (++i >= args.size()) {
                    return ExecResult.error(1, "install: option requires an argument -- 'm'\n");
                }
                try {
                    mode = Integer.parseInt(args.get(i), 8);
                } catch (NumberFormatException e) {
                    return ExecResult.error(1, "install: invalid mode \u2018" + args.get(i) + "\u2019\n");
                }
            } else if (a.equals("-D")) {
                continue; // leading directories: the simulated host has every directory
            } else if (a.startsWith("-")) {
                return ExecResult.error(1, "install: sparkd simulator supports only -D and -m\n");
            } else {
                operands.add(a);
            }
        }
        if (operands.size() != 2 || !operands.get(0).equals("/dev/stdin")) {
            return ExecResult.error(1, "install: sparkd simulator installs only /dev/stdin to one DEST\n");
        }
        try {
            byte[] content = session.stdin().readAllBytes();
            host.files().write(HostFiles.resolve(session.user(), operands.get(1)), content, mode);
        } catch (IOException e) {
            return ExecResult.error(1, "install: error reading '/dev/stdin': " + e.getMessage() + "\n");
        }
        return ExecResult.ok("");
    }

    /** {@code rm [-f] FILE...}: files sparkd wrote; a missing one fails unless {@code -f}. */
    private ExecResult rm(List<String> args, Session session) {
        boolean force = false;
        StringBuilder err = new StringBuilder();
        for (String a : args) {
            if (a.equals("-f") || a.equals("--force")) {
                force = true;
            } else if (a.startsWith("-")) {
                return ExecResult.error(1, "rm: sparkd simulator supports only -f\n");
            }
        }
        for (String a : args) {
            if (!a.startsWith("-") && !host.files().remove(HostFiles.resolve(session.user(), a)) && !force) {
                err.append("rm: cannot remove '").append(a).append("': No such file or directory\n");
            }
        }
        return new ExecResult(err.length() == 0 ? 0 : 1, "", err.toString());
    }

    /** {@code mkdir -p DIR...}: the directories exist from now on ({@code df} finds them). */
    private ExecResult mkdir(List<String> args, Session session) {
        if (!args.contains("-p")) {
            return ExecResult.error(1, "mkdir: sparkd simulator supports only mkdir -p\n");
        }
        args.stream().filter(a -> !a.startsWith("-")).forEach(d -> host.files().mkdirs(HostFiles.resolve(session.user(), d)));
        return ExecResult.ok("");
    }

    /** {@code du -sb DIR}: bytes of the Hugging Face cache (a repo folder, {@code hub}, or the whole cache). */
    private ExecResult du(List<String> args, Session session) {
        List<String> paths = args.stream().filter(a -> !a.startsWith("-")).toList();
        if (!args.contains("-sb") && !(args.contains("-s") && args.contains("-b"))) {
            return ExecResult.error(1, "du: sparkd simulator supports only du -sb DIR\n");
        }
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        for (String p : paths) {
            OptionalLong bytes = host.hfCache().du(HostFiles.resolve(session.user(), p));
            if (bytes.isEmpty()) {
                err.append("du: cannot access '").append(p).append("': No such file or directory\n");
            } else {
                out.append(bytes.getAsLong()).append('\t').append(p).append('\n');
            }
        }
        return new ExecResult(err.length() == 0 ? 0 : 1, out.toString(), err.toString());
    }

    private static ExecResult echo(List<String> args) {
        boolean newline = true;
        List<String> words = args;
        if (!words.isEmpty() && words.get(0).equals("-n")) {
            newline = false;
            words = words.subList(1, words.size());
        }
        return ExecResult.ok(String.join(" ", words) + (newline ? "\n" : ""));
    }

    private ExecResult uname(List<String> args) {
        String arch = host.gpu().profile().architecture();
        String kernel = arch.equals("aarch64") ? "6.11.0-1016-nvidia" : "6.8.0-87-generic";
        if (args.isEmpty()) {
            return ExecResult.ok("Linux\n");
        }
        List<String> parts = new ArrayList<>();
        for (String a : args) {
            switch (a) {
                case "-s", "--kernel-name" -> parts.add("Linux");
                case "-n", "--nodename" -> parts.add(host.hostname());
                case "-r", "--kernel-release" -> parts.add(kernel);
                case "-m", "--machine", "-p", "--processor", "-i", "--hardware-platform" -> parts.add(arch);
                case "-o", "--operating-system" -> parts.add("GNU/Linux");
                case "-a", "--all" -> parts.add("Linux " + host.hostname() + " " + kernel + " #16-Ubuntu SMP PREEMPT_DYNAMIC "
                        + arch + " " + arch + " " + arch + " GNU/Linux");
                default -> {
                    return ExecResult.error(1, "uname: invalid option -- '" + a.replaceFirst("^-+", "") + "'\n"
                            + "Try 'uname --help' for more information.\n");
                }
            }
        }
        return ExecResult.ok(String.join(" ", parts) + "\n");
    }

    private static ExecResult sleep(List<String> args) throws InterruptedException {
        if (args.isEmpty()) {
            return ExecResult.error(1, "sleep: missing operand\nTry 'sleep --help' for more information.\n");
        }
        long total = 0;
        for (String a : args) {
            Duration d = duration(a);
            if (d == null) {
                return ExecResult.error(1, "sleep: invalid time interval \u2018" + a + "\u2019\n"
                        + "Try 'sleep --help' for more information.\n");
            }
            total += d.toMillis();
        }
        Thread.sleep(total);
        return ExecResult.ok("");
    }

    private ExecResult shell(String program, List<String> args, Session session) throws InterruptedException {
        if (args.size() >= 2 && args.get(0).equals("-c")) {
            return executeLine(args.get(1), session);
        }
        return ExecResult.error(2, program + ": sparkd simulator runs only '" + program + " -c COMMAND'\n");
    }

    /**
     * GNU coreutils {@code timeout [-s SIG] [-k DUR] [--preserve-status] [--foreground] DURATION COMMAND [ARG]...}:
     * 124 when the deadline passes (137 when the signal is KILL), 125 for its own usage errors, 127 when the command
     * does not exist (with timeout's own message, not the shell's).
     */
    private ExecResult timeout(List<String> args, Session session) throws InterruptedException {
        String signal = "TERM";
        boolean preserve = false;
        int i = 0;
        while (i < args.size() && args.get(i).startsWith("-") && args.get(i).length() > 1) {
            String a = args.get(i++);
            if (a.equals("--")) {
                break;
            } else if (a.equals("-s") || a.equals("--signal") || a.equals("-k") || a.equals("--kill-after")) {
                if (i >= args.size()) {
                    return timeoutUsage("option requires an argument -- '" + a.replaceFirst("^-+", "").charAt(0) + "'");
                }
                String v = args.get(i++);
                if (a.equals("-s") || a.equals("--signal")) {
                    signal = v;
                }
            } else if (a.startsWith("--signal=")) {
                signal = a.substring("--signal=".length());
            } else if (a.startsWith("-s") && a.length() > 2) {
                signal = a.substring(2);
            } else if (a.startsWith("--kill-after=") || (a.startsWith("-k") && a.length() > 2)) {
                continue;
            } else if (a.equals("--preserve-status")) {
                preserve = true;
            } else if (a.equals("--foreground") || a.equals("-v") || a.equals("--verbose")) {
                continue;
            } else {
                return timeoutUsage("invalid option -- '" + a.substring(1) + "'");
            }
        }
        if (i >= args.size()) {
            return timeoutUsage("missing operand");
        }
        Duration limit = duration(args.get(i));
        if (limit == null) {
            return timeoutUsage("invalid time interval \u2018" + args.get(i) + "\u2019");
        }
        List<String> command = List.copyOf(args.subList(i + 1, args.size()));
        if (command.isEmpty()) {
            return timeoutUsage("missing operand");
        }
        if (!KNOWN.contains(commandName(command.get(0)))) {
            return ExecResult.error(127, "timeout: failed to run command \u2018" + command.get(0) + "\u2019: No such file or directory\n");
        }
        if (limit.isZero()) {
            return run(command, session);
        }
        Future<ExecResult> future = timeouts.submit(() -> run(command, session));
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            String sig = signal.toUpperCase(Locale.ROOT).replaceFirst("^SIG", "");
            boolean kill = sig.equals("KILL") || sig.equals("9");
            int signalled = 128 + (kill ? 9 : 15);
            return new ExecResult(kill || preserve ? signalled : 124, "", "");
        } catch (ExecutionException e) {
            throw new IllegalStateException("simulated command failed", e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }

    private static ExecResult timeoutUsage(String message) {
        return ExecResult.error(125, "timeout: " + message + "\nTry 'timeout --help' for more information.\n");
    }

    /** coreutils' duration syntax: a non-negative decimal with an optional s, m, h or d suffix. */
    static Duration duration(String s) {
        if (!s.matches("\\d+(\\.\\d*)?[smhd]?|\\.\\d+[smhd]?")) {
            return null;
        }
        char last = s.charAt(s.length() - 1);
        double unit = switch (last) {
            case 'm' -> 60;
            case 'h' -> 3600;
            case 'd' -> 86_400;
            default -> 1;
        };
        String number = Character.isLetter(last) ? s.substring(0, s.length() - 1) : s;
        return Duration.ofMillis(Math.round(Double.parseDouble(number) * unit * 1000));
    }

    /** Stops the helper threads {@code timeout} uses. */
    public void close() {
        timeouts.shutdownNow();
    }
}
