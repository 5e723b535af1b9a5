package dev.sparkd.simulator.host;

import java.util.List;
import java.util.Map;

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
 */
public record ContainerSpec(String name, String image, int hostPort, String model, List<String> args, Map<String, String> env,
                            boolean viaProxy) {

    /** A container reached directly (no docker-proxy). */
    public ContainerSpec(String name, String image, int hostPort, String model, List<String> args, Map<String, String> env) {
        this(name, image, hostPort, model, args, env, false);
    }
}
