package dev.sparkd.health.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.config.ServiceKind;
import dev.sparkd.core.config.TlsTrust;
import dev.sparkd.core.http.BackendHttp;
import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.handshake.Handshake;
import dev.sparkd.health.handshake.HandshakeResult;
import dev.sparkd.health.state.State;
import dev.sparkd.health.state.StateMachine;
import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.config.SimConfig;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import dev.sparkd.simulator.testing.SimToml;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probe and the handshake against what real servers do (issue 18): Ollama's {@code /api/ps} waits for a model load
 * (v0.32.10+), reasoning models spend their token budget thinking (Ollama qwen3, vLLM with a reasoning parser), and
 * docker-proxy closes connections to a loading vLLM instead of refusing them.
 */
class RealServerBehaviourTest {
    static Simulator sim;
    static Vertx vertx;
    static final HealthSettings.Thresholds NONE = new HealthSettings.Thresholds(OptionalDouble.empty(), OptionalDouble.empty(),
            Optional.empty(), OptionalDouble.empty());

    @BeforeAll
    static void start() {
        sim = Simulator.start(SimConfig.parse("""
                [simulator]
                default_ttft = "5ms"
                default_tokens_per_second = 1000
                [ollama.library."qwen2.5-coder:7b"]
                load_delay = "30s"              # issue 18: a 20–65 GB model on GB10 loads in 10–60 s
                """
                + SimToml.resource("thinking-models.toml")
                + SimToml.service("spark-1", "ollama-1", "ollama", """
                        models = ["qwen2.5-coder:7b", "qwen3:30b", "gpt-oss:20b"]
                        """)
                + SimToml.service("spark-1", "vllm-qwen3", "vllm", """
                        model = "Qwen/Qwen3-30B-A3B"
                        reasoning_parser = "qwen3"
                        """)
                + SimToml.service("spark-2", "vllm-gptoss", "vllm", """
                        model = "openai/gpt-oss-120b"
                        reasoning_parser = "openai_gptoss"
                        """)));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
        sim.close();
    }

    static HealthSettings settings(Map<String, HealthSettings.ServiceOverrides> services) {
        return new HealthSettings(null, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(1), 2, 1,
                Duration.ofDays(1), Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(10), NONE, services,
                HealthSettings.Notify.NONE, HealthSettings.DEFAULT_DISK_WARNING);
    }

    static ServiceDef def(String name, ServiceKind kind) {
        return new ServiceDef(name, kind, Optional.of("spark-1"), URI.create("http://127.0.0.1:" + sim.port(name)),
                Optional.empty(), Duration.ofMinutes(5), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Duration.ofSeconds(1), true, TlsTrust.DEFAULT);
    }

    /** The probe's own client, as the fleet gives each service one over its shared pool. */
    static BackendHttp http(ServiceDef def) {
        return new BackendHttp(io.vertx.mutiny.core.Vertx.newInstance(vertx), def.baseUri(), Duration.ofSeconds(5));
    }

    // server/sched.go (v0.32.10+): /api/ps waits for the load; / and /api/version still answer at once. Probed back to
    // back for the whole 30 s load, every probe gives up on /api/ps at its 5 s timeout and says UP, "model loading".
    @Test
    void ollamaLoadingAModelIsUpWithAReasonNotDown() throws Exception {
        int port = sim.port("ollama-1");
        long started = System.nanoTime();
        CompletableFuture<HttpResponse<String>> load = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/generate"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"qwen2.5-coder:7b\",\"prompt\":\"\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        while (!sim.ollama("ollama-1").loaded().isLoading("qwen2.5-coder:7b")) {
            Thread.sleep(5);
        }
        OllamaProbe probe = new OllamaProbe(def("ollama-1", ServiceKind.OLLAMA), http(def("ollama-1", ServiceKind.OLLAMA)), settings(Map.of()));
        StateMachine machine = new StateMachine(1, 1);
        List<ProbeResult> during = new ArrayList<>();
        while (sim.ollama("ollama-1").loaded().isLoading("qwen2.5-coder:7b")) {
            ProbeResult r = probe.run().await().atMost(Duration.ofSeconds(10));
            machine.observe(r.state(), r.reason(), r.at());
            assertThat(machine.state()).as("%.1f s into the load: %s", (System.nanoTime() - started) / 1e9, r.reason())
                    .isEqualTo(State.UP);
            if (sim.ollama("ollama-1").loaded().isLoading("qwen2.5-coder:7b")) {
                during.add(r);
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(during).as("probes that ended while the model was still loading").hasSizeGreaterThanOrEqualTo(4)
                .allSatisfy(r -> assertThat(r.reason()).startsWith("model loading (GET /api/ps"));
        assertThat(load.get().statusCode()).isEqualTo(200);
        ProbeResult after = probe.run().await().atMost(Duration.ofSeconds(10));
        assertThat(after.state()).isEqualTo(State.UP);
        assertThat(after.reason()).isNull();
        assertThat(after.load().loadedModels()).contains("qwen2.5-coder:7b");
    }

    // Ollama routes.go: thinking on by default, counted against num_predict; vLLM reasoning parsers leave content empty
    @Test
    void reasoningModelsPassTheHandshake() {
        Map<String, HealthSettings.ServiceOverrides> overrides = Map.of("ollama-1",
                new HealthSettings.ServiceOverrides(Optional.of("qwen3:30b"), true, Optional.empty(), NONE));
        try (Handshake handshake = new Handshake(vertx, settings(overrides))) {
            HandshakeResult qwen3 = handshake.run(def("ollama-1", ServiceKind.OLLAMA), Load.NONE).await().atMost(Duration.ofSeconds(30));
            assertThat(qwen3.passed()).as(qwen3.reason()).isTrue();
            assertThat(qwen3.answer()).isEqualTo("4");
        }
        try (Handshake handshake = new Handshake(vertx, settings(Map.of("ollama-1",
                new HealthSettings.ServiceOverrides(Optional.of("gpt-oss:20b"), true, Optional.empty(), NONE))))) {
            HandshakeResult gptOss = handshake.run(def("ollama-1", ServiceKind.OLLAMA), Load.NONE).await().atMost(Duration.ofSeconds(30));
            assertThat(gptOss.passed()).as(gptOss.reason()).isTrue();
        }
        try (Handshake handshake = new Handshake(vertx, settings(Map.of()))) {
            for (var served : List.of(List.of("vllm-qwen3", "Qwen/Qwen3-30B-A3B"), List.of("vllm-gptoss", "openai/gpt-oss-120b"))) {
                awaitHealth(served.get(0));
                Load load = new Load(null, null, null, null, null, null, List.of(served.get(1)), null, null, null);
                HandshakeResult r = handshake.run(def(served.get(0), ServiceKind.VLLM), load).await().atMost(Duration.ofSeconds(30));
                assertThat(r.passed()).as(served.get(0) + ": " + r.reason()).isTrue();
                assertThat(r.answer()).isEqualTo("4");
            }
        }
    }

    // moby/moby#16976: docker-proxy accepts and closes while vLLM loads; that must count like "connection refused"
    @Test
    void aResetWhileLoadingCountsAsARefusal() throws Exception {
        awaitHealth("vllm-qwen3");
        sim.control().setFault("vllm-qwen3", new Fault(FaultType.LOADING, Map.of("seconds", 30, "via_proxy", true)));
        try {
            VllmProbe probe = new VllmProbe(def("vllm-qwen3", ServiceKind.VLLM), http(def("vllm-qwen3", ServiceKind.VLLM)), settings(Map.of()));
            ProbeResult r = null;
            for (int i = 0; i < 50; i++) {
                r = probe.run().await().atMost(Duration.ofSeconds(10));
                if (r.refused()) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(r.refused()).as(r.reason()).isTrue();
            assertThat(r.reason()).contains("connection closed before any answer");
        } finally {
            sim.control().clearFaults("vllm-qwen3");
        }
    }

    private static void awaitHealth(String service) {
        VllmProbe probe = new VllmProbe(def(service, ServiceKind.VLLM), http(def(service, ServiceKind.VLLM)), settings(Map.of()));
        long until = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < until) {
            if (probe.run().await().atMost(Duration.ofSeconds(10)).state() == State.UP) {
                return;
            }
        }
        throw new AssertionError(service + " never came up");
    }
}
