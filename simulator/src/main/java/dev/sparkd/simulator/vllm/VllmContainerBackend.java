package dev.sparkd.simulator.vllm;

import dev.sparkd.simulator.config.VllmModelSpec;
import dev.sparkd.simulator.host.Container;
import dev.sparkd.simulator.host.ContainerBackend;
import dev.sparkd.simulator.host.ContainerSpec;
import dev.sparkd.simulator.host.HfCache;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import io.vertx.core.Vertx;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import dev.sparkd.simulator.host.Gpu;
import dev.sparkd.simulator.host.MemInfo;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs {@code vllm/vllm-openai}-style containers on a simulated host. Like Docker, the container is "running" as soon
 * as it starts; like vLLM, its port only opens after the model's load delay. A model unknown to the Hub makes the
 * container print the tail of the traceback vLLM prints for it and exit with code 1; one missing from the mounted
 * Hugging Face cache is downloaded first (or refused: gated without {@code HF_TOKEN}, {@code HF_HUB_OFFLINE=1}).
 */
public final class VllmContainerBackend implements ContainerBackend {
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss");

    private final Vertx vertx;
    private final String host;
    private final String bind;
    private final Map<String, VllmModelSpec> hostModels;
    private final Consumer<VllmServer> onServe;
    private final Consumer<VllmServer> onGone;
    private final String defaultVersion;
    private final MemInfo memInfo;
    private final Gpu gpu;
    private final long cudaReserved;
    private final HfCache hfCache;
    private final long downloadSpeed;

    /**
     * @param hostModels models on the simulated Hub, by id (which of them are local: {@code hfCache})
     * @param onServe    hears each server a container starts (the simulator lists it in /_sim/state)
     * @param onGone     hears each server whose container stopped
     */
    public VllmContainerBackend(Vertx vertx, String host, String bind, Map<String, VllmModelSpec> hostModels,
                                Consumer<VllmServer> onServe, Consumer<VllmServer> onGone, MemInfo memInfo, Gpu gpu,
                                long cudaReserved, HfCache hfCache, long downloadSpeed) {
        this.hfCache = hfCache;
        this.downloadSpeed = Math.max(1, downloadSpeed);
        this.memInfo = memInfo;
        this.gpu = gpu;
        this.cudaReserved = cudaReserved;
        this.vertx = vertx;
        this.host = host;
        this.bind = bind;
        this.hostModels = Map.copyOf(hostModels);
        this.onServe = onServe;
        this.onGone = onGone;
        this.defaultVersion = "0.11.0";
    }

    @Override
    public void start(Container container) {
        ContainerSpec spec = container.spec();
        if (!spec.entrypoint().isEmpty() && spec.entrypoint().get(0).matches("(/usr(/local)?/bin/)?python3?")) {
            hubScript(container);
            return;
        }
        String version = versionFromImage(spec.image());
        container.running();
        container.log(info("api_server.py:1839", "vLLM API server version " + version));
        container.log(info("utils.py:233", "non-default args: {'model_tag': '" + spec.model() + "', 'model': '"
                + spec.model() + "'}"));
        VllmModelSpec model = hostModels.get(spec.model());
        if (model == null) {
            vertx.setTimer(300, id -> crash(container, spec.model()));
            return;
        }
        boolean mounted = spec.hostPathOf(HfCache.CONTAINER_PATH).isPresent();
        boolean offline = truthy(spec.env().get("HF_HUB_OFFLINE"));
        String token = token(spec);
        if (!mounted && hfCache.cached(model.id()) && !model.gated()) {
            // no cache mounted, yet weights present: the host's cache as it was before sparkd mounted one
            serve(container, spec, model, version);
            return;
        }
        boolean ready = mounted && hfCache.cached(model.id());
        if (ready && (offline || !model.gated() || token != null)) {
            serve(container, spec, model, version);
            return;
        }
        // transformers' hub lookup (config.json first), then the download into the mounted cache or the container's own layer
        AtomicBoolean stopped = new AtomicBoolean();
        container.onStop(() -> stopped.set(true));
        container.log(info("weight_utils.py:292", "Using model weights format ['*.safetensors']"));
        blocking(() -> {
            if (mounted) {
                hfCache.download(model.id(), token, offline, stopped::get);
            } else {
                Optional<HfCache.HubError> refused = hfCache.refusal(model.id(), token, offline);
                if (refused.isPresent()) {
                    throw refused.get();
                }
                Thread.sleep(Math.max(1, model.size() * 1000 / downloadSpeed)); // into the container's layer, lost with it
            }
            return "";
        }, (result, failure) -> {
            if (container.status() != Container.Status.RUNNING || stopped.get()) {
                return;
            }
            if (failure != null) {
                hubFailure(container, failure);
                return;
            }
            serve(container, spec, model, version);
        });
    }

    /** Loads the weights and opens the port after the model's load delay (the part after the weights are local). */
    private void serve(Container container, ContainerSpec spec, VllmModelSpec model, String version) {
        // gpu_worker.py init_device: the requested share of the device must be free at start-up
        double utilisation = gpu.memoryOf(spec) / (double) gpu.profile().gpuPoolBytes();
        long wanted = gpu.memoryOf(spec);
        long free = freeBeforeStart(container);
        if (wanted > free) {
            container.log(info("gpu_worker.py:239", "Using max model len " + model.maxModelLen()));
            vertx.setTimer(Math.max(1, startupCheckDelay.toMillis()), id -> memoryCheckFailed(container, free, utilisation, wanted));
            return;
        }
        String served = ContainerSpec.option(spec.args(), "--served-model-name");
        int maxModelLen = ContainerSpec.intOption(spec.args(), "--max-model-len", 0);
        int maxNumSeqs = ContainerSpec.intOption(spec.args(), "--max-num-seqs", 256);
        String key = ContainerSpec.option(spec.args(), "--api-key");
        VllmServer server = new VllmServer(vertx, spec.name(), host, bind, spec.hostPort(), model, served, maxNumSeqs,
                maxModelLen, 262_144, version).reasoningParser(ContainerSpec.option(spec.args(), "--reasoning-parser"))
                .apiKey(key != null ? key : spec.env().get("VLLM_API_KEY"));
        container.onStop(() -> {
            server.stop();
            onGone.accept(server);
        });
        wireEngineExit(server, container);
        // published with -p: docker-proxy holds the host port while vLLM loads (accepts, then closes)
        server.resetWhileLoading(spec.viaProxy());
        container.log(info("model.py:547", "Resolved architecture: " + model.id()));
        server.start(List.of(), model.loadDelay()).onComplete(ar -> {
            if (ar.failed()) {
                container.log("ERROR " + now() + " [api_server.py:1872] " + ar.cause().getMessage());
                container.exited(1);
                onGone.accept(server);
            }
        });
        onServe.accept(server);
        vertx.setTimer(Math.max(1, model.loadDelay().toMillis()), id -> {
            if (container.status() == Container.Status.RUNNING) {
                container.log(info("api_server.py:1880", "Starting vLLM API server 0 on http://0.0.0.0:" + spec.hostPort()));
                container.log("INFO:     Application startup complete.");
            }
        });
    }

    /**
     * {@code python3 -c SCRIPT size|fetch MODEL} in a vLLM image: the model-manager's weights step. {@code size} prints
     * the bytes of the files vLLM loads (after fetching config.json, which is where a gated repo refuses);
     * {@code fetch} is {@code snapshot_download} into the mounted cache and prints the snapshot folder. The script's
     * text is not interpreted; its arguments are.
     */
    private void hubScript(Container container) {
        ContainerSpec spec = container.spec();
        container.running();
        List<String> args = spec.args();
        int c = args.indexOf("-c");
        List<String> rest = c >= 0 && c + 2 <= args.size() ? args.subList(c + 2, args.size()) : List.of();
        if (rest.size() != 2 || !(rest.get(0).equals("size") || rest.get(0).equals("fetch"))) {
            container.log("usage: python3 -c SCRIPT size|fetch MODEL (sparkd simulator)");
            container.exited(2);
            return;
        }
        String mode = rest.get(0);
        String id = rest.get(1);
        boolean offline = truthy(spec.env().get("HF_HUB_OFFLINE"));
        String token = token(spec);
        boolean mounted = spec.hostPathOf(HfCache.CONTAINER_PATH).isPresent();
        AtomicBoolean stopped = new AtomicBoolean();
        container.onStop(() -> stopped.set(true));
        blocking(() -> {
            if (mode.equals("size")) {
                Optional<HfCache.HubError> refused = hfCache.refusal(id, token, offline);
                if (refused.isPresent()) {
                    throw refused.get();
                }
                return Long.toString(hfCache.model(id).orElseThrow().size());
            }
            if (mounted) {
                hfCache.download(id, token, offline, stopped::get);
            } else {
                Optional<HfCache.HubError> refused = hfCache.refusal(id, token, offline);
                if (refused.isPresent()) {
                    throw refused.get();
                }
            }
            return HfCache.CONTAINER_PATH + "/hub/models--" + id.replace("/", "--") + "/snapshots/"
                    + Integer.toHexString(id.hashCode());
        }, (result, failure) -> {
            if (stopped.get()) {
                return;
            }
            if (failure != null) {
                hubFailure(container, failure);
            } else {
                container.log(result);
                container.exited(0);
            }
        });
    }

    /** Work that blocks for as long as a download takes: on its own thread, never one of the simulator's two workers. */
    private void blocking(Callable<String> work, BiConsumer<String, Throwable> then) {
        Thread t = new Thread(() -> {
            String result = null;
            Throwable failure = null;
            try {
                result = work.call();
            } catch (Exception e) {
                failure = e;
            }
            String r = result;
            Throwable f = failure;
            vertx.runOnContext(v -> then.accept(r, f));
        }, "sim-hf-download");
        t.setDaemon(true);
        t.start();
    }

    /** The tail of the traceback huggingface_hub's exception leaves, and exit 1. */
    private static void hubFailure(Container container, Throwable cause) {
        container.log("Traceback (most recent call last):");
        container.log("  File \"/usr/local/lib/python3.12/dist-packages/huggingface_hub/utils/_http.py\", line 409, in hf_raise_for_status");
        if (cause instanceof HfCache.HubError hub) {
            hub.lines().forEach(container::log);
        } else {
            container.log(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
        container.exited(1);
    }

    private static boolean truthy(String value) {
        return value != null && value.strip().toLowerCase(Locale.ROOT).matches("1|true|yes|on");
    }

    /** The token huggingface_hub reads from the environment ({@code HF_TOKEN}, or the older name). */
    private static String token(ContainerSpec spec) {
        String t = spec.env().getOrDefault("HF_TOKEN", spec.env().get("HUGGING_FACE_HUB_TOKEN"));
        return t == null || t.isBlank() ? null : t;
    }

    /** How long vLLM takes to reach the memory check (imports, config, engine process start). */
    private java.time.Duration startupCheckDelay = java.time.Duration.ofSeconds(2);

    /** For tests: how long a doomed start runs before the memory check fails it (real vLLM: about 20 s). */
    public void startupCheckDelay(java.time.Duration delay) {
        this.startupCheckDelay = delay;
    }

    /**
     * What CUDA reports free before this container's engine allocates: MemAvailable minus what CUDA never reports
     * on GB10, or the card's memory minus other engines on a discrete GPU.
     */
    private long freeBeforeStart(Container starting) {
        long own = gpu.memoryOf(starting.spec());
        if (gpu.profile().unifiedMemory()) {
            long available = memInfo.availableKiB() * 1024 + own; // the starting container already counts as running
            return Math.max(0, available - cudaReserved);
        }
        return Math.max(0, gpu.profile().gpuPoolBytes() - (gpu.usedBytes() - own) - cudaReserved);
    }

    private void memoryCheckFailed(Container container, long free, double utilisation, long wanted) {
        if (container.status() != Container.Status.RUNNING) {
            return;
        }
        double total = gpu.profile().gpuPoolBytes() / GIB;
        String message = String.format(Locale.ROOT, "ValueError: Free memory on device (%.2f/%.2f GiB) on startup is less "
                + "than desired GPU memory utilization (%s, %.2f GiB). Decrease GPU memory utilization or reduce GPU "
                + "memory used by other processes.", free / GIB, total, trim(utilisation), wanted / GIB);
        container.log("ERROR " + now() + " [core.py:708] EngineCore failed to start.");
        container.log("Traceback (most recent call last):");
        container.log("  File \"/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_worker.py\", line 239, in init_device");
        container.log("    raise ValueError(");
        container.log(message);
        container.log("RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}");
        container.exited(1);
    }

    private static final double GIB = 1024.0 * 1024 * 1024;

    private static String trim(double d) {
        return Math.abs(d - Math.rint(d * 100) / 100) < 1e-9 ? Double.toString(Math.rint(d * 100) / 100) : Double.toString(d);
    }

    /** The container exits with the server (engine death) and runs again when the fault is cleared. */
    static void wireEngineExit(VllmServer server, Container container) {
        server.onEngineExit(() -> {
            container.log("ERROR " + now() + " [core_client.py:564] Engine core proc EngineCore_DP0 died unexpectedly, shutting down client.");
            container.log("ERROR " + now() + " [async_llm.py:485] AsyncLLM output_handler failed.");
            container.log("vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.");
            container.log("INFO:     Shutting down");
            container.log("INFO:     Application shutdown complete.");
            container.exited(1);
        }, container::running);
    }

    private void crash(Container container, String model) {
        container.log("Traceback (most recent call last):");
        container.log("  File \"/usr/local/lib/python3.12/dist-packages/transformers/utils/hub.py\", line 479, in cached_files");
        container.log("    hf_hub_download(");
        container.log("huggingface_hub.errors.RepositoryNotFoundError: 401 Client Error. (Request ID: Root=1-sim)");
        container.log("");
        container.log("The above exception was the direct cause of the following exception:");
        container.log("");
        container.log("Traceback (most recent call last):");
        container.log("  File \"/usr/local/bin/vllm\", line 10, in <module>");
        container.log("    sys.exit(main())");
        container.log("  File \"/usr/local/lib/python3.12/dist-packages/transformers/utils/hub.py\", line 511, in cached_files");
        container.log("    raise OSError(");
        container.log("OSError: " + model + " is not a local folder and is not a valid model identifier listed on "
                + "'https://huggingface.co/models'");
        container.log("If this is a private repository, make sure to pass a token having permission to this repo either "
                + "by logging in with `hf auth login` or by passing `token=<your_token>`");
        container.exited(1);
    }

    private static String info(String where, String message) {
        return "INFO " + now() + " [" + where + "] " + message;
    }

    private static String now() {
        return LocalDateTime.now().format(LOG_TIME);
    }

    private String versionFromImage(String image) {
        int colon = image.lastIndexOf(':');
        String tag = colon < 0 ? "" : image.substring(colon + 1);
        return tag.matches("v?\\d+\\.\\d+.*") ? tag.replaceFirst("^v", "") : defaultVersion;
    }
}
