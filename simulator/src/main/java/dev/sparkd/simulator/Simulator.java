package dev.sparkd.simulator;

import dev.sparkd.simulator.cloud.AnthropicCloudServer;
import dev.sparkd.simulator.cloud.CloudApiKey;
import dev.sparkd.simulator.cloud.CloudProvider;
import dev.sparkd.simulator.cloud.OpenAiCloudServer;
import dev.sparkd.simulator.config.CloudConfig;
import dev.sparkd.simulator.config.OllamaModelSpec;
import dev.sparkd.simulator.config.ServiceConfig;
import dev.sparkd.simulator.config.SimConfig;
import dev.sparkd.simulator.config.SparkConfig;
import dev.sparkd.simulator.host.HfCache;
import dev.sparkd.simulator.control.ControlServer;
import dev.sparkd.simulator.control.SimControl;
import dev.sparkd.simulator.host.Container;
import dev.sparkd.simulator.http.SimulatedService;
import dev.sparkd.simulator.llamacpp.LlamaCppServer;
import dev.sparkd.simulator.ollama.ModelStore;
import dev.sparkd.simulator.ollama.OllamaRegistry;
import dev.sparkd.simulator.ollama.OllamaServer;
import dev.sparkd.simulator.ssh.SimSshServer;
import dev.sparkd.simulator.ssh.SshHost;
import dev.sparkd.simulator.vllm.ServiceContainer;
import dev.sparkd.simulator.vllm.VllmContainerBackend;
import dev.sparkd.simulator.vllm.VllmServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A running simulator: several simulated Sparks, each with its model servers on their own ports and an SSH server
 * (nvidia-smi, df, docker …), optional simulated cloud providers, plus the {@code /_sim} control API. Embeddable in tests ({@code Simulator.start(SimConfig.parse(toml))}, then
 * {@link #close()}) and run as a process by {@link SimulatorMain}.
 */
public final class Simulator implements AutoCloseable {
    private final SimConfig config;
    private final Vertx vertx;
    private final Map<String, SimulatedSpark> sparks = new LinkedHashMap<>();
    private final Map<String, SimulatedService> services = new ConcurrentHashMap<>();
    private final Map<String, SimulatedCloud> clouds = new LinkedHashMap<>();
    private final SimControl control;
    private final ControlServer controlServer;

    private Simulator(SimConfig config) {
        this.config = config;
        // two event loops are plenty for a simulator and keep it light on a shared build machine
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2));
        for (SparkConfig sc : config.sparks()) {
            SimulatedSpark spark = new SimulatedSpark(sc);
            sparks.put(sc.name(), spark);
            Map<String, HfCache.HubModel> hub = new LinkedHashMap<>();
            config.vllmModels().values().forEach(m -> hub.put(m.id(), new HfCache.HubModel(m.id(), m.size(), m.gated())));
            HfCache hfCache = new HfCache(hub, sc.vllmModels(), spark.disk(), sc.hfDownloadSpeed());
            spark.hfCache(hfCache);
            VllmContainerBackend backend = new VllmContainerBackend(vertx, sc.name(), config.bind(), config.vllmModels(),
                    s -> register(spark, s), s -> unregister(spark, s), spark.memInfo(), spark.gpuDevice(), sc.cudaReserved(),
                    hfCache, sc.hfDownloadSpeed());
            spark.containerBackend(backend);
            for (ServiceConfig svc : sc.services()) {
                SimulatedService service = create(spark, svc);
                register(spark, service);
                if (service instanceof VllmServer vllm) {
                    spark.containers().add(ServiceContainer.of(svc, vllm, () -> unregister(spark, vllm)));
                }
                if (service instanceof OllamaServer ollama) {
                    spark.memInfo().addResident(() -> ollama.loaded().residentBytes()); // runners hold host memory
                }
            }
            if (sc.ssh() != null) {
                SshHost host = new SshHost(sc.name(), spark.gpuDevice(), spark.memInfo(), spark.disk(),
                        spark.containers(), backend, spark.files(), hfCache);
                spark.ssh(new SimSshServer(host, sc.ssh().hostKey(), sc.ssh().authorizedKeys(), sc.ssh().port()));
            }
        }
        this.control = new SimControl(this);
        this.controlServer = new ControlServer(vertx, control, config.bind(), config.controlPort());
    }

    /** Starts every service and the control API; returns once every port that should be open is. */
    public static Simulator start(SimConfig config) {
        SimSshServer.useOwnBouncyCastle(); // before any key is read or made
        Simulator sim = new Simulator(config);
        try {
            List<Future<Void>> starts = new ArrayList<>();
            for (SparkConfig sc : config.sparks()) {
                for (ServiceConfig svc : sc.services()) {
                    SimulatedService s = sim.services.get(svc.name());
                    starts.add(s.start(svc.faults(), sim.startupLoad(svc)));
                }
            }
            starts.addAll(sim.startClouds());
            starts.add(sim.controlServer.start());
            sim.startSsh();
            Future.all(starts).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return sim;
        } catch (Exception e) {
            sim.close();
            throw new IllegalStateException("simulator failed to start: " + e.getMessage(), e);
        }
    }

    /** Client key into every authorized_keys, then each spark's SSH server, then their keys into known_hosts. */
    private void startSsh() throws IOException {
        SshCredentials.authorizeClientKey(config);
        List<SimSshServer> started = new ArrayList<>();
        for (SimulatedSpark spark : sparks.values()) {
            if (spark.ssh() != null) {
                spark.ssh().start();
                started.add(spark.ssh());
            }
        }
        SshCredentials.writeKnownHosts(config, started);
    }

    private List<Future<Void>> startClouds() throws IOException {
        List<Future<Void>> starts = new ArrayList<>();
        for (CloudConfig cc : config.clouds()) {
            String key = cc.apiKeyFile() == null ? CloudApiKey.generate() : CloudApiKey.loadOrCreate(cc.apiKeyFile());
            CloudProvider server = switch (cc.provider()) {
                case "anthropic" -> new AnthropicCloudServer(vertx, Set.of(key), cc.models(), cc.pace());
                default -> new OpenAiCloudServer(vertx, Set.of(key), cc.models(), cc.pace());
            };
            server.setRateLimit(cc.rateLimitRpm());
            clouds.put(cc.provider(), new SimulatedCloud(cc.provider(), server, key, cc.apiKeyFile()));
            starts.add(server.start(cc.port()).mapEmpty());
        }
        return starts;
    }

    private SimulatedService create(SimulatedSpark spark, ServiceConfig svc) {
        String bind = config.bind();
        return switch (svc.kind()) {
            case OLLAMA -> {
                ModelStore store = new ModelStore(spark.disk());
                svc.ollama().models().forEach(m -> store.install(config.ollamaLibrary().get(m)));
                yield new OllamaServer(vertx, svc.name(), spark.name(), bind, svc.port(), svc.version(),
                        new OllamaRegistry(config.ollamaLibrary()), store, svc.ollama().pullBytesPerSecond(),
                        svc.ollama().keepAlive(), spark.disk().path());
            }
            case VLLM -> new VllmServer(vertx, svc.name(), spark.name(), bind, svc.port(),
                    config.vllmModels().get(svc.vllm().model()), svc.vllm().servedModelName(), svc.vllm().maxNumSeqs(),
                    svc.vllm().maxModelLen(), svc.vllm().kvCacheTokens(), svc.version()).reasoningParser(svc.vllm().reasoningParser());
            case LLAMACPP -> new LlamaCppServer(vertx, svc.name(), spark.name(), bind, svc.port(), svc.llamacpp());
        };
    }

    private java.time.Duration startupLoad(ServiceConfig svc) {
        return switch (svc.kind()) {
            case VLLM -> config.vllmModels().get(svc.vllm().model()).loadDelay();
            case LLAMACPP -> svc.llamacpp().loadDelay();
            case OLLAMA -> java.time.Duration.ZERO;
        };
    }

    private void register(SimulatedSpark spark, SimulatedService s) {
        services.put(s.name(), s);
        spark.add(s);
    }

    private void unregister(SimulatedSpark spark, SimulatedService s) {
        services.remove(s.name(), s);
        spark.remove(s);
    }

    public SimConfig config() {
        return config;
    }

    public Vertx vertx() {
        return vertx;
    }

    /** The Java twin of the {@code /_sim} control API. */
    public SimControl control() {
        return control;
    }

    public int controlPort() {
        return controlServer.port();
    }

    public List<SimulatedSpark> sparks() {
        return List.copyOf(sparks.values());
    }

    public SimulatedSpark spark(String name) {
        SimulatedSpark s = sparks.get(name);
        if (s == null) {
            throw new NoSuchElementException("no spark '" + name + "'");
        }
        return s;
    }

    /** A service by name (configured, or started by a container). */
    public SimulatedService service(String name) {
        SimulatedService s = services.get(name);
        if (s == null) {
            throw new NoSuchElementException("no service '" + name + "'");
        }
        return s;
    }

    public boolean hasService(String name) {
        return services.containsKey(name);
    }

    public int port(String service) {
        return service(service).port();
    }

    public OllamaServer ollama(String name) {
        return (OllamaServer) service(name);
    }

    public VllmServer vllm(String name) {
        return (VllmServer) service(name);
    }

    public LlamaCppServer llamacpp(String name) {
        return (LlamaCppServer) service(name);
    }

    /** The simulated cloud providers, in config order. */
    public List<SimulatedCloud> clouds() {
        return List.copyOf(clouds.values());
    }

    /** A simulated cloud provider by name: {@code openai} or {@code anthropic}. */
    public SimulatedCloud cloud(String name) {
        SimulatedCloud c = clouds.get(name);
        if (c == null) {
            throw new NoSuchElementException("no cloud provider '" + name + "' (configure [cloud." + name + "])");
        }
        return c;
    }

    public OpenAiCloudServer openAi() {
        return cloud("openai").openAi();
    }

    public AnthropicCloudServer anthropic() {
        return cloud("anthropic").anthropic();
    }

    /** Any Ollama library entry known to this simulator. */
    public Map<String, OllamaModelSpec> ollamaLibrary() {
        return config.ollamaLibrary();
    }

    /** Closes the SSH servers, stops every container and server, then the providers and the control API. */
    @Override
    public void close() {
        for (SimulatedSpark spark : sparks.values()) {
            try {
                if (spark.ssh() != null) {
                    spark.ssh().close();
                }
            } catch (IOException | RuntimeException e) {
                // closing anyway
            }
            spark.containers().running().forEach(Container::stop);
        }
        try {
            List<Future<Void>> stops = new ArrayList<>();
            services.values().forEach(s -> stops.add(s.stop()));
            clouds.values().forEach(c -> stops.add(c.server().stop()));
            stops.add(controlServer.stop());
            Future.join(stops).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        } finally {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the JVM is going away or the test is over
            }
        }
    }
}
