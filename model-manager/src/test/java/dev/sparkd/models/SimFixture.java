package dev.sparkd.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;


import dev.sparkd.models.engine.Backends;
import dev.sparkd.models.engine.Tuning;
import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.core.ssh.SshRunner;
import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.config.OllamaModelSpec;
import dev.sparkd.simulator.ollama.Manifest;
import dev.sparkd.simulator.testing.SimToml;
import dev.sparkd.simulator.testing.SshSparks;
import dev.sparkd.simulator.testing.SuiteToml;
import io.vertx.core.http.HttpServer;
import io.vertx.mutiny.core.Vertx;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A simulated Spark (SSH, Ollama, vLLM) plus a stand-in for registry.ollama.ai that serves the manifests of the
 * simulator's registry, and the sparkd.toml that points at them. Tests write their own {@code [models]} part. Held in a
 * static {@code @RegisterExtension} field, it is closed after the test class.
 */
public final class SimFixture implements AutoCloseable, AfterAllCallback {
    public static final Path DIR = Path.of("target/sim-fixture").toAbsolutePath();
    public final Simulator sim;
    public final Vertx vertx = Vertx.vertx();
    public final SshRunner ssh = new SshRunner();
    private final HttpServer registry;
    private final String suite;
    private Backends backends;

    public SimFixture(String extraSim) {
        sim = SshSparks.start(DIR, SimToml.read("src/test/resources/sim-fixture.toml") + extraSim);
        io.vertx.core.Vertx core = vertx.getDelegate();
        registry = core.createHttpServer().requestHandler(req -> {
            // /v2/<namespace>/<model>/manifests/<tag>
            String[] p = req.path().split("/");
            Optional<OllamaModelSpec> spec = p.length == 6 ? sim.ollama("ollama-1").registry().find(p[3] + ":" + p[5]) : Optional.empty();
            if (spec.isEmpty()) {
                req.response().setStatusCode(404).end("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}");
            } else {
                req.response().putHeader("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
                        .end(Manifest.of(spec.get()).json());
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        // the services as started: containers a swap runs later are not the configuration's services
        suite = SuiteToml.of("mm-test", sim).with("models", "registry = \"http://127.0.0.1:" + registry.actualPort() + "\"").toString();
    }

    public int registryPort() {
        return registry.actualPort();
    }

    /** The sparkd.toml for this simulator with the given {@code [models…]} text appended; loaded and validated. */
    public SuiteConfig config(String models) {
        return ConfigLoader.load(writeConfig(models));
    }

    public Path writeConfig(String models) {
        Path file = DIR.resolve("sparkd-" + System.nanoTime() + ".toml");
        try {
            Files.writeString(file, writeConfigText(models));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    public String writeConfigText(String models) {
        return suite + "\n" + models;
    }

    public static Tuning fastTuning() {
        return new Tuning(Duration.ofSeconds(30), 2, Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMillis(200));
    }

    public Backends backends(String models) {
        if (backends != null) {
            backends.close();
        }
        backends = new Backends(config(models), vertx, ssh, fastTuning());
        return backends;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        if (backends != null) {
            backends.close();
        }
        ssh.close();
        registry.close();
        sim.close();
        vertx.closeAndAwait();
    }
}
