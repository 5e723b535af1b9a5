package dev.sparkd.simulator.vllm;

import dev.sparkd.simulator.config.ServiceConfig;
import dev.sparkd.simulator.host.Container;
import dev.sparkd.simulator.host.ContainerSpec;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The docker container a vLLM service declared in the TOML runs in. On a real Spark vLLM runs in a container, so a
 * model manager finds it in {@code docker ps} under the service's name and stops or swaps it there; the simulator
 * mirrors that: the container is running from the start, publishes the service's port as {@code -p PORT:8000}, and
 * {@code docker stop} closes the server's port.
 */
public final class ServiceContainer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ServiceContainer() {
    }

    /**
     * @param svc    the configured vLLM service (name, port, version, {@code vllm serve} settings)
     * @param server the server already created for it
     * @param onGone called once the container stopped the server (the simulator unlists it)
     */
    public static Container of(ServiceConfig svc, VllmServer server, Runnable onGone) {
        List<String> args = new ArrayList<>(List.of("--model", svc.vllm().model()));
        if (svc.vllm().servedModelName() != null) {
            args.addAll(List.of("--served-model-name", svc.vllm().servedModelName()));
        }
        args.addAll(List.of("--max-num-seqs", Integer.toString(svc.vllm().maxNumSeqs())));
        args.addAll(List.of("--gpu-memory-utilization", Double.toString(svc.vllm().gpuMemoryUtilization())));
        if (svc.vllm().maxModelLen() > 0) {
            args.addAll(List.of("--max-model-len", Integer.toString(svc.vllm().maxModelLen())));
        }
        ContainerSpec spec = new ContainerSpec(svc.name(), "vllm/vllm-openai:v" + svc.version(), server.port(),
                svc.vllm().model(), List.copyOf(args), Map.of());
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        Container container = new Container(HexFormat.of().formatHex(id), spec);
        container.running();
        container.log("INFO [api_server.py:1839] vLLM API server version " + svc.version());
        container.onStop(() -> {
            server.stop();
            onGone.run();
        });
        VllmContainerBackend.wireEngineExit(server, container);
        return container;
    }
}
