package dev.sparkd.simulator.host;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@code docker run} on a simulated host asked for, parsed by the SSH side.
 *
 * @param name      {@code --name}
 * @param image     the image reference, e.g. {@code vllm/vllm-openai:v0.11.0}
 * @param hostPort  the host side of {@code -p HOST:CONTAINER} (or the port from {@code --port} with {@code --network host})
 * @param model     the model the container serves ({@code --model X} or the first positional argument after the image, as {@code vllm serve X})
 * @param args      every argument after the image, verbatim
 * @param env       {@code -e K=V} pairs
 * @param viaProxy  the port is published with {@code -p} (docker-proxy in the path), not {@code --network host}
 * @param entrypoint {@code --entrypoint} (or the image's), e.g. {@code [vllm]} or {@code [python3]}
 * @param volumes   {@code -v HOST:CONTAINER[:OPTS]} as given
 * @param restart   {@code --restart} policy: {@code no}, {@code always}, {@code unless-stopped}, {@code on-failure[:N]}
 */
public record ContainerSpec(String name, String image, int hostPort, String model, List<String> args, Map<String, String> env,
                            boolean viaProxy, List<String> entrypoint, List<String> volumes, String restart) {

    public ContainerSpec(String name, String image, int hostPort, String model, List<String> args, Map<String, String> env,
                         boolean viaProxy) {
        this(name, image, hostPort, model, args, env, viaProxy, List.of(), List.of(), "no");
    }

    /** The host directory mounted at {@code containerPath}, if any. */
    public Optional<String> hostPathOf(String containerPath) {
        for (String v : volumes) {
            String[] parts = v.split(":");
            if (parts.length >= 2 && parts[1].replaceAll("/+$", "").equals(containerPath)) {
                return Optional.of(parts[0]);
            }
        }
        return Optional.empty();
    }

    /** Docker starts it again after a daemon restart (a reboot) unless a user stopped it. */
    public boolean restartsAfterReboot(boolean stoppedByUser) {
        return restart.equals("always") || (restart.equals("unless-stopped") && !stoppedByUser);
    }

    /**
     * The value of {@code flag} in a command line, given as {@code flag VALUE} or {@code flag=VALUE}; the last one when
     * it is given twice (as vLLM's argparse and docker take it); null when absent.
     */
    public static String option(List<String> command, String flag) {
        String value = null;
        for (int i = 0; i < command.size(); i++) {
            if (command.get(i).equals(flag) && i + 1 < command.size()) {
                value = command.get(i + 1);
            } else if (command.get(i).startsWith(flag + "=")) {
                value = command.get(i).substring(flag.length() + 1);
            }
        }
        return value;
    }

    /** {@link #option} as a number: {@code fallback} when absent or not a whole number. */
    public static int intOption(List<String> command, String flag, int fallback) {
        String value = option(command, flag);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** A container reached directly (no docker-proxy). */
    public ContainerSpec(String name, String image, int hostPort, String model, List<String> args, Map<String, String> env) {
        this(name, image, hostPort, model, args, env, false);
    }
}
