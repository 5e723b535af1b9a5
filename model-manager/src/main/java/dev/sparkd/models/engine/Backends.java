package dev.sparkd.models.engine;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.sparkd.models.config.ModelsSettings;
import dev.sparkd.core.config.Host;
import dev.sparkd.core.config.SecretRef;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.http.HttpTimeouts;
import dev.sparkd.core.ollama.OllamaClient;
import dev.sparkd.core.ollama.OllamaSettings;
import dev.sparkd.core.openai.OpenAiClient;
import dev.sparkd.core.ssh.CommandResult;
import dev.sparkd.core.ssh.RemoteCommand;
import dev.sparkd.core.ssh.SshRunner;
import dev.sparkd.core.ssh.SshTarget;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The clients the model-manager talks through, one per service or host, built from the validated config (the registry
 * client and the per-service HTTP clients are made here because their addresses come from the file). The
 * orchestration runs on worker threads and waits on these clients; none of them ever blocks an event loop.
 */
@ApplicationScoped
public class Backends implements AutoCloseable {
    private final SuiteConfig config;
    private final ModelsSettings settings;
    private final Vertx vertx;
    private final SshRunner ssh;
    private final Tuning tuning;
    private final Map<String, OllamaClient> ollama = new ConcurrentHashMap<>();
    private final Map<String, OpenAiClient> vllm = new ConcurrentHashMap<>();
    private final Map<String, Optional<String>> apiKeys = new ConcurrentHashMap<>();
    private final RegistryClient registry;

    public Backends(SuiteConfig config, Vertx vertx, SshRunner ssh, Tuning tuning) {
        this.config = config;
        this.settings = config.section(ModelsSettings.class);
        this.vertx = vertx;
        this.ssh = ssh;
        this.tuning = tuning;
        this.registry = new RegistryClient(vertx, URI.create(settings.registry()));
    }

    public SuiteConfig config() {
        return config;
    }

    public ModelsSettings settings() {
        return settings;
    }

    public Tuning tuning() {
        return tuning;
    }

    public Vertx vertx() {
        return vertx;
    }

    public RegistryClient registry() {
        return registry;
    }

    public ServiceDef service(String name) {
        return config.service(name).orElseThrow();
    }

    public Optional<Host> hostOf(String service) {
        return service(service).host().flatMap(config::host);
    }

    public OllamaClient ollama(String service) {
        return ollama.computeIfAbsent(service, s -> new OllamaClient(vertx, service(s).baseUri(),
                OllamaSettings.defaults().withPullIdle(tuning.pullIdle())
                        .withInference(new HttpTimeouts(Duration.ofSeconds(5), tuning.verifyTimeout(), tuning.verifyTimeout()))));
    }

    /** An OpenAI-compatible client for a catalog entry's port on the service's host. */
    public OpenAiClient vllm(String service, int port) {
        String address = hostOf(service).map(Host::address).orElse(service(service).baseUri().getHost());
        String where = (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
        return vllm.computeIfAbsent(service + "@" + where, k -> new OpenAiClient(vertx, URI.create("http://" + where + "/v1"),
                () -> rememberedApiKey(service), new HttpTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(60), Duration.ofSeconds(60))));
    }

    /**
     * Blocking (reads a file): the key the service's server requires ({@code api_key_file}), read now so a rotated
     * file applies. Remembered for the HTTP clients, which must not read files on an event loop.
     */
    public Optional<String> apiKey(String service) {
        Optional<String> key = service(service).apiKey().map(SecretRef::resolve);
        apiKeys.put(service, key);
        return key;
    }

    private String rememberedApiKey(String service) {
        Optional<String> known = apiKeys.get(service);
        return (known != null ? known : apiKey(service)).orElse(null);
    }

    /** Blocking: as {@link #run(String, RemoteCommand, Duration)} with {@code stdin} as the command's input (secrets). */
    public CommandResult run(String service, RemoteCommand command, byte[] stdin, Duration timeout) {
        SshTarget target = sshTarget(service).orElseThrow(() -> new IllegalStateException(
                "host of " + service + " has no ssh settings; set [hosts.<name>] ssh = { … }"));
        return ssh.run(target, command, stdin, timeout);
    }

    public Optional<SshTarget> sshTarget(String service) {
        return hostOf(service).flatMap(h -> h.ssh().map(s -> new SshTarget(h.address(), s.port(), s.user(), s.keyFile(),
                s.knownHosts(), Optional.empty(), Optional.of(h.name()))));
    }

    /** Blocking (worker thread; SshRunner refuses an event loop): runs a command on the service's host over SSH. */
    public CommandResult run(String service, RemoteCommand command, Duration timeout) {
        SshTarget target = sshTarget(service).orElseThrow(() -> new IllegalStateException(
                "host of " + service + " has no ssh settings; set [hosts.<name>] ssh = { … }"));
        return ssh.run(target, command, timeout);
    }

    @Override
    @PreDestroy
    public void close() {
        ollama.values().forEach(OllamaClient::close);
        vllm.values().forEach(OpenAiClient::close);
        registry.close();
    }
}
