package dev.sparkd.simulator.ssh;

import dev.sparkd.simulator.host.ContainerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed form of {@code docker run [OPTIONS] IMAGE [COMMAND] [ARG...]} (docker CLI 28/29 flag set, the flags the
 * spark-control / eugr launch commands use plus the common rest). Knows which flags take a value, so an argument after
 * {@code --ulimit} is never mistaken for the image, and folds short boolean flags ({@code -dit}).
 */
record DockerRun(String name, String image, boolean detach, boolean remove, boolean gpus, String networkMode,
                 String ipcMode, List<Publish> publish, Map<String, String> env, List<String> entrypoint,
                 List<String> args, List<String> volumes, String restart, List<String> envFiles) {

    DockerRun(String name, String image, boolean detach, boolean remove, boolean gpus, String networkMode, String ipcMode,
              List<Publish> publish, Map<String, String> env, List<String> entrypoint, List<String> args) {
        this(name, image, detach, remove, gpus, networkMode, ipcMode, publish, env, entrypoint, args, List.of(), "no", List.of());
    }

    /** {@code -p [IP:]HOST:CONTAINER[/proto]}. */
    record Publish(String hostIp, int hostPort, int containerPort, String protocol) {
    }

    /** A usage error with docker's wording; exit status 125 like every {@code docker run} CLI error. */
    static final class UsageError extends Exception {
        UsageError(String message) {
            super(message);
        }
    }

    private static final Set<String> VALUE_FLAGS = Set.of("--name", "--gpus", "-p", "--publish", "--network", "--net",
            "-e", "--env", "--ipc", "-v", "--volume", "--ulimit", "--shm-size", "--restart", "--env-file", "--entrypoint",
            "--runtime", "-w", "--workdir", "-l", "--label", "-u", "--user", "-m", "--memory", "--cpus", "--pull",
            "--platform", "-h", "--hostname", "--add-host", "--device", "--cap-add", "--cap-drop", "--security-opt",
            "--log-driver", "--log-opt", "--mount", "--health-cmd", "--health-interval", "--health-timeout",
            "--health-retries", "--health-start-period", "--stop-timeout", "--stop-signal", "--pid", "--uts",
            "--memory-swap", "--cpuset-cpus", "--group-add", "--tmpfs", "--dns", "--cidfile", "-a", "--attach");
    private static final Set<String> BOOLEAN_FLAGS = Set.of("-d", "--detach", "--rm", "-i", "--interactive", "-t", "--tty",
            "--privileged", "--init", "-P", "--publish-all", "--read-only", "-q", "--quiet", "--oom-kill-disable");

    static DockerRun parse(List<String> argv) throws UsageError {
        String name = null;
        boolean detach = false;
        boolean remove = false;
        boolean gpus = false;
        String network = "bridge";
        String ipc = "private";
        List<Publish> publish = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        List<String> entrypoint = null;
        List<String> volumes = new ArrayList<>();
        List<String> envFiles = new ArrayList<>();
        String restart = "no";
        int i = 0;
        while (i < argv.size() && argv.get(i).startsWith("-") && !argv.get(i).equals("-")) {
            String a = argv.get(i++);
            if (a.equals("--")) {
                break;
            }
            Flag split = Flag.of(a);
            String flag = split.name();
            String value = split.value();
            if (!a.startsWith("--") && a.length() > 2) {
                // -dit, or a short flag with its value glued on (-p8000:8000, -eK=V)
                String first = a.substring(0, 2);
                if (VALUE_FLAGS.contains(first)) {
                    flag = first;
                    value = a.substring(2);
                } else {
                    for (char c : a.substring(1).toCharArray()) {
                        if (!BOOLEAN_FLAGS.contains("-" + c)) {
                            throw new UsageError("unknown shorthand flag: '" + c + "' in " + a);
                        }
                        detach |= c == 'd';
                    }
                    continue;
                }
            }
            if (BOOLEAN_FLAGS.contains(flag)) {
                boolean on = value == null || !value.equals("false");
                switch (flag) {
                    case "-d", "--detach" -> detach = on;
                    case "--rm" -> remove = on;
                    default -> { }
                }
                continue;
            }
            if (!VALUE_FLAGS.contains(flag)) {
                throw new UsageError("unknown flag: " + flag);
            }
            if (value == null) {
                if (i >= argv.size()) {
                    throw new UsageError("flag needs an argument: " + flag);
                }
                value = argv.get(i++);
            }
            switch (flag) {
                case "--name" -> name = value;
                case "--gpus" -> gpus = true;
                case "-p", "--publish" -> publish.add(publish(value));
                case "--network", "--net" -> network = value;
                case "--ipc" -> ipc = value;
                case "-e", "--env" -> {
                    int e = value.indexOf('=');
                    // -e NAME without a value copies the client's variable; the simulated host has none.
                    env.put(e < 0 ? value : value.substring(0, e), e < 0 ? "" : value.substring(e + 1));
                }
                case "--entrypoint" -> entrypoint = value.isEmpty() ? List.of() : List.of(value);
                case "-v", "--volume" -> {
                    if (value.split(":").length < 2) {
                        throw new UsageError("invalid spec: " + value + ": sparkd simulator mounts HOST:CONTAINER only");
                    }
                    volumes.add(value);
                }
                case "--env-file" -> envFiles.add(value);
                case "--restart" -> {
                    if (!value.matches("no|always|unless-stopped|on-failure(:\\d+)?")) {
                        throw new UsageError("invalid restart policy: " + value);
                    }
                    restart = value;
                }
                default -> { }
            }
        }
        if (i >= argv.size()) {
            throw new UsageError("'docker run' requires at least 1 argument");
        }
        if (name != null && !name.matches("/?[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            throw new UsageError("Error response from daemon: Invalid container name (" + name
                    + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        String image = argv.get(i);
        List<String> args = List.copyOf(argv.subList(i + 1, argv.size()));
        if (entrypoint == null) {
            entrypoint = defaultEntrypoint(image);
        }
        return new DockerRun(name == null ? null : name.replaceFirst("^/", ""), image, detach, remove, gpus, network, ipc,
                List.copyOf(publish), env, entrypoint, args, List.copyOf(volumes), restart, List.copyOf(envFiles));
    }

    /** The official vLLM image's ENTRYPOINT is {@code vllm serve}; NGC's and most others leave it to the command. */
    static List<String> defaultEntrypoint(String image) {
        return image.startsWith("vllm/vllm-openai") || image.startsWith("docker.io/vllm/vllm-openai")
                ? List.of("vllm", "serve") : List.of();
    }

    private static Publish publish(String spec) throws UsageError {
        String proto = "tcp";
        String s = spec;
        int slash = s.indexOf('/');
        if (slash >= 0) {
            proto = s.substring(slash + 1);
            s = s.substring(0, slash);
        }
        String[] parts = s.split(":");
        try {
            return switch (parts.length) {
                case 1 -> new Publish("", 0, Integer.parseInt(parts[0]), proto);
                case 2 -> new Publish("", parts[0].isEmpty() ? 0 : Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), proto);
                case 3 -> new Publish(parts[0], parts[1].isEmpty() ? 0 : Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), proto);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException e) {
            throw new UsageError("invalid argument \"" + spec + "\" for \"-p, --publish\" flag: Invalid hostPort: " + spec);
        }
    }

    /** The same run with {@code env} as its environment ({@code --env-file} contents merged under {@code -e}). */
    DockerRun withEnv(Map<String, String> merged) {
        return new DockerRun(name, image, detach, remove, gpus, networkMode, ipcMode, publish, Map.copyOf(merged), entrypoint,
                args, volumes, restart, envFiles);
    }

    /** Entrypoint plus arguments: what the container runs. */
    List<String> command() {
        List<String> all = new ArrayList<>(entrypoint);
        all.addAll(args);
        return all;
    }

    /**
     * The command as the serving process sees it: {@code bash -c "vllm serve …"} (the eugr/spark-vllm-docker style)
     * is unwrapped so the model and port are found inside the string.
     */
    List<String> effectiveCommand() {
        List<String> cmd = command();
        if (cmd.size() >= 3 && cmd.get(0).matches("(/usr)?(/bin/)?(ba)?sh")) {
            for (int k = 1; k < cmd.size() - 1; k++) {
                if (cmd.get(k).startsWith("-") && cmd.get(k).contains("c")) {
                    try {
                        return ShellWords.words(cmd.get(k + 1));
                    } catch (ShellWords.SyntaxError e) {
                        return cmd;
                    }
                }
            }
        }
        return cmd;
    }

    /** {@code --model X}, else the first argument after {@code serve} (vllm serve MODEL), else {@code -m X} (llama.cpp). */
    String model() {
        List<String> cmd = effectiveCommand();
        String flagged = ContainerSpec.option(cmd, "--model");
        if (flagged != null) {
            return flagged;
        }
        int serve = cmd.indexOf("serve");
        if (serve >= 0 && serve + 1 < cmd.size() && !cmd.get(serve + 1).startsWith("-")) {
            return cmd.get(serve + 1);
        }
        String m = ContainerSpec.option(cmd, "-m");
        return m == null ? "" : m;
    }

    /** The port the server inside listens on: {@code --port}, else vLLM's default 8000. */
    int containerPort() {
        return ContainerSpec.intOption(effectiveCommand(), "--port", 8000);
    }

    /** Where the server is reachable on the host: its own port with host networking, else the matching {@code -p}. */
    int hostPort() {
        if (networkMode.equals("host")) {
            return containerPort();
        }
        int port = containerPort();
        return publish.stream().filter(p -> p.containerPort() == port).findFirst()
                .or(() -> publish.stream().findFirst()).map(Publish::hostPort).orElse(0);
    }

    ContainerSpec spec(String containerName) {
        return new ContainerSpec(containerName, image, hostPort(), model(), args, Map.copyOf(env),
                !"host".equals(networkMode) && !publish.isEmpty(), entrypoint, volumes, restart);
    }
}
