package dev.sparkd.simulator.host;

/**
 * Brings a container to life on {@code docker run}. The HTTP side implements it for vLLM images: after the
 * model's load delay it serves the model on {@link ContainerSpec#hostPort()} and marks the container running;
 * for a model it does not know, it writes the error vLLM would log and marks the container exited (code 1).
 */
public interface ContainerBackend {
    /** Starts {@code container} asynchronously; must return at once. */
    void start(Container container);
}
