package dev.sparkd.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkd.simulator.config.SimConfig;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import dev.sparkd.simulator.host.Container;
import dev.sparkd.simulator.ssh.ExecResult;
import dev.sparkd.simulator.testing.SimToml;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviours of issue 18, each against the upstream source it follows (see simulator/README.md): thinking models,
 * {@code /api/ps} during a load, vLLM's start-up memory check and engine-death exit, the endpoints real servers have,
 * docker-proxy resets, errors inside streams, image pulls, and the smaller contract points.
 */
class UpstreamFidelityTest {
    private static final String SUM = "What is 2+2? Reply with just the number.";
    @TempDir
    Path dir;
    private Simulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private Simulator start(String toml) {
        sim = Simulator.start(SimConfig.parse(TestConfigs.FAST + SimToml.resource("thinking-models.toml") + toml, dir));
        return sim;
    }

    private int ollama(String extra) {
        start(SimToml.service("spark-1", "ollama-1", "ollama", "models = [\"qwen3:30b\", \"gpt-oss:20b\", \"llama3.2:3b\"]")
                + extra);
        return sim.port("ollama-1");
    }

    private static JsonNode generate(int port, String model, String extra) throws Exception {
        HttpResponse<String> r = Http.post(port, "/api/generate", "{\"model\":\"" + model + "\",\"prompt\":\"" + SUM
                + "\",\"stream\":false" + extra + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r.body());
    }

    // routes.go GenerateHandler: thinking on by default for the thinking capability; num_predict counts thinking tokens
    @Test
    void ollamaThinkingModelSpendsNumPredictOnThinking() throws Exception {
        int port = ollama("");
        JsonNode show = Http.json(Http.post(port, "/api/show", "{\"model\":\"qwen3:30b\"}").body());
        assertThat(show.get("capabilities").toString()).contains("\"thinking\"");
        JsonNode tags = Http.json(Http.get(port, "/api/tags").body());
        assertThat(tags.toString()).contains("\"capabilities\":[\"completion\",\"tools\",\"thinking\"]");

        JsonNode small = generate(port, "qwen3:30b", ",\"options\":{\"num_predict\":8}");
        assertThat(small.get("response").asText()).isEmpty();
        assertThat(small.get("thinking").asText()).isNotBlank();
        assertThat(small.get("done_reason").asText()).isEqualTo("length");
        assertThat(small.get("eval_count").asInt()).isEqualTo(8);

        JsonNode off = generate(port, "qwen3:30b", ",\"think\":false,\"options\":{\"num_predict\":8}");
        assertThat(off.get("response").asText()).isEqualTo("4");
        assertThat(off.has("thinking")).isFalse();

        // gpt-oss ignores think:false; "low" thinks briefly, so the answer needs a larger budget
        assertThat(generate(port, "gpt-oss:20b", ",\"think\":false,\"options\":{\"num_predict\":8}").get("response").asText()).isEmpty();
        JsonNode low = generate(port, "gpt-oss:20b", ",\"think\":\"low\",\"options\":{\"num_predict\":256}");
        assertThat(low.get("response").asText()).isEqualTo("4");
        assertThat(low.get("thinking").asText()).isNotBlank();

        HttpResponse<String> refused = Http.post(port, "/api/generate", "{\"model\":\"llama3.2:3b\",\"prompt\":\"hi\",\"think\":true}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("\\\"llama3.2:3b\\\" does not support thinking");

        Http.Streamed chat = Http.stream(port, "/v1/chat/completions", "{\"model\":\"qwen3:30b\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + SUM + "\"}]}");
        assertThat(chat.json().get(0).path("choices").path(0).path("delta").path("reasoning").asText()).isNotEmpty();
        assertThat(chat.lines()).contains("data: [DONE]");
    }

    // sched.go: from v0.32.10 a loading runner holds refMu and /api/ps waits for it; 0.12.x listed it at once
    @Test
    void ollamaPsBlocksDuringALoadFromV0_32_10() throws Exception {
        String slowLoad = """
                [ollama.library."qwen2.5-coder:7b"]
                load_delay = "1500ms"
                """;
        start(slowLoad + SimToml.service("spark-1", "new", "ollama", "models = [\"qwen2.5-coder:7b\"]")
                + SimToml.service("spark-1", "old", "ollama", "version = \"0.12.6\"\nmodels = [\"qwen2.5-coder:7b\"]"));
        for (String name : List.of("new", "old")) {
            int port = sim.port(name);
            CompletableFuture<HttpResponse<String>> load = CompletableFuture.supplyAsync(() -> post(sim.port(name),
                    "/api/generate", "{\"model\":\"qwen2.5-coder:7b\",\"prompt\":\"\"}"));
            long until = System.nanoTime() + 5_000_000_000L;
            while (!sim.ollama(name).loaded().isLoading("qwen2.5-coder:7b") && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            long t0 = System.nanoTime();
            JsonNode ps = Http.json(Http.get(port, "/api/ps").body());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (name.equals("new")) {
                assertThat(ms).as("/api/ps waits for the load").isGreaterThan(500);
            } else {
                assertThat(ms).as("/api/ps answers at once").isLessThan(1000);
            }
            assertThat(ps.path("models").path(0).path("name").asText()).isEqualTo("qwen2.5-coder:7b");
            assertThat(load.get().statusCode()).isEqualTo(200);
        }
        assertThat(Http.json(Http.get(sim.port("new"), "/api/version").body()).get("version").asText()).isEqualTo("0.33.0");
    }

    // vLLM reasoning outputs (docs v0.10/v0.11.2): reasoning_content / reasoning with a parser, <think> in the content without
    @Test
    void vllmReasoningModelPutsThinkingBesideTheContent() throws Exception {
        start(SimToml.service("spark-1", "parsed", "vllm", """
                        model = "Qwen/Qwen3-30B-A3B"
                        reasoning_parser = "qwen3"
                        version = "0.10.2"
                        """)
                + SimToml.service("spark-1", "raw", "vllm", "model = \"Qwen/Qwen3-30B-A3B\""));
        int parsed = sim.port("parsed");
        Http.awaitStatus(parsed, "/health", 200, Duration.ofSeconds(5));
        String ask = "{\"model\":\"Qwen/Qwen3-30B-A3B\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"" + SUM + "\"}]%s}";
        JsonNode msg = Http.json(Http.post(parsed, "/v1/chat/completions", ask.formatted("")).body()).path("choices").path(0);
        assertThat(msg.path("message").path("content").asText()).isEmpty();
        assertThat(msg.path("message").path("reasoning_content").asText()).isNotBlank();
        assertThat(msg.path("finish_reason").asText()).isEqualTo("length");
        JsonNode off = Http.json(Http.post(parsed, "/v1/chat/completions",
                ask.formatted(",\"chat_template_kwargs\":{\"enable_thinking\":false}")).body()).path("choices").path(0);
        assertThat(off.path("message").path("content").asText()).isEqualTo("4");

        int raw = sim.port("raw");
        Http.awaitStatus(raw, "/health", 200, Duration.ofSeconds(5));
        JsonNode rawMsg = Http.json(Http.post(raw, "/v1/chat/completions", ask.formatted("").replace("\"max_tokens\":8", "\"max_tokens\":256"))
                .body()).path("choices").path(0).path("message");
        assertThat(rawMsg.path("content").asText()).startsWith("<think>\n").contains("</think>").endsWith("4");
    }

    private String sparkWithSsh(String extra) {
        return """
                [sparks.spark-1]
                gpu = "gb10"
                vllm_models = ["test/tiny-chat"]
                %s
                [sparks.spark-1.ssh]
                port = 0
                host_key = "ssh/host_ed25519"
                authorized_keys = "ssh/authorized_keys"
                """.formatted(extra);
    }

    private ExecResult sh(String command) {
        return sim.spark("spark-1").ssh().interpreter().execute(command);
    }

    private Container awaitExit(String name, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        Container c = sim.spark("spark-1").containers().byName(name).orElseThrow();
        while (c.status() != Container.Status.EXITED && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return c;
    }

    // gpu_worker.py init_device: ValueError when free memory < utilisation × total; an idle GB10 shows ~102 GiB free
    @Test
    void vllmOnGb10FailsItsMemoryCheckAtTheDefaultUtilisation() throws Exception {
        start(sparkWithSsh(""));
        ExecResult run = sh("docker run -d --name big -p 18999:8000 vllm/vllm-openai:v0.11.0 test/tiny-chat");
        assertThat(run.exitCode()).isZero();
        Container big = awaitExit("big", Duration.ofSeconds(10));
        assertThat(big.exitCode()).isEqualTo(1);
        assertThat(String.join("\n", big.logs())).containsPattern(
                "ValueError: Free memory on device \\(102\\.\\d\\d/119\\.70 GiB\\) on startup is less than desired GPU memory "
                        + "utilization \\(0\\.9, 107\\.73 GiB\\)");
        sh("docker rm -f big");
        assertThat(sh("docker run -d --name fits -p 18998:8000 vllm/vllm-openai:v0.11.0 test/tiny-chat --gpu-memory-utilization 0.7")
                .exitCode()).isZero();
        Http.awaitStatus(18998, "/health", 200, Duration.ofSeconds(5));
        // with Ollama holding memory, the same share no longer fits
        sim.spark("spark-1").memInfo().setExtraUsedBytes(30L << 30);
        sh("docker run -d --name second -p 18997:8000 vllm/vllm-openai:v0.11.0 test/tiny-chat --gpu-memory-utilization 0.2");
        assertThat(awaitExit("second", Duration.ofSeconds(10)).exitCode()).isEqualTo(1);
    }

    // launcher.py watchdog_loop: the server exits after the engine died; docker shows the container exited (1)
    @Test
    void deadEngineMakesTheContainerExit() throws Exception {
        start(sparkWithSsh(""));
        sh("docker run -d --name v -p 18996:8000 vllm/vllm-openai:v0.11.0 test/tiny-chat --gpu-memory-utilization 0.5");
        Http.awaitStatus(18996, "/health", 200, Duration.ofSeconds(5));
        sim.control().setFault("v", new Fault(FaultType.ENGINE_DEAD, Map.of("exit_after_s", 0.3)));
        assertThat(Http.get(18996, "/health").statusCode()).isEqualTo(503);
        Container c = awaitExit("v", Duration.ofSeconds(5));
        assertThat(c.exitCode()).isEqualTo(1);
        assertThat(c.logs()).anyMatch(l -> l.contains("EngineDeadError"));
        assertThatThrownBy(() -> Http.get(18996, "/health")).isInstanceOf(ConnectException.class);
        assertThat(sim.service("v").state()).isEqualTo("exited");
        sim.control().clearFaults("v");
        Http.awaitStatus(18996, "/health", 200, Duration.ofSeconds(5));
    }

    // docker pulls an image it does not have before running it (progress on stderr)
    @Test
    void firstRunOfANewImagePullsIt() throws Exception {
        start(sparkWithSsh("""
                images = ["vllm/vllm-openai:v0.11.0"]
                image_size = "400MB"
                image_pull_speed = "1GB"
                """));
        assertThat(sh("docker image inspect vllm/vllm-openai:v0.12.0").exitCode()).isEqualTo(1);
        long t0 = System.nanoTime();
        ExecResult run = sh("docker run -d --name n -p 18995:8000 vllm/vllm-openai:v0.12.0 test/tiny-chat --gpu-memory-utilization 0.5");
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(350);
        assertThat(run.exitCode()).isZero();
        assertThat(run.stderr()).startsWith("Unable to find image 'vllm/vllm-openai:v0.12.0' locally")
                .contains("Pull complete").contains("Status: Downloaded newer image for vllm/vllm-openai:v0.12.0");
        assertThat(sh("docker image inspect vllm/vllm-openai:v0.12.0").exitCode()).isZero();
        assertThat(sh("docker pull vllm/vllm-openai:v0.11.0").stdout()).contains("Image is up to date");
    }

    // moby/moby#16976: docker-proxy accepts on the host port while nothing listens behind it, then closes
    @Test
    void loadingBehindDockerProxyResetsInsteadOfRefusing() throws Exception {
        start(sparkWithSsh("") + SimToml.service("spark-2", "direct", "vllm", "model = \"test/tiny-chat\""));
        sh("docker run -d --name p -p 18994:8000 vllm/vllm-openai:v0.11.0 test/tiny-chat --gpu-memory-utilization 0.5");
        awaitListening(18994);
        assertThatThrownBy(() -> Http.get(18994, "/health")).isInstanceOf(IOException.class)
                .isNotInstanceOf(ConnectException.class);
        Http.awaitStatus(18994, "/health", 200, Duration.ofSeconds(5));
        // a configured service is reached directly: refused while loading, unless the fault says docker-proxy is in the way
        int direct = sim.port("direct");
        Http.awaitStatus(direct, "/health", 200, Duration.ofSeconds(5));
        sim.control().setFault("direct", new Fault(FaultType.LOADING, Map.of("seconds", 30)));
        assertThat(awaitRefused(direct)).as("connection refused while loading").isTrue();
        sim.control().setFault("direct", new Fault(FaultType.LOADING, Map.of("seconds", 30, "via_proxy", true)));
        awaitListening(direct);
        assertThatThrownBy(() -> Http.get(direct, "/health")).isInstanceOf(IOException.class)
                .isNotInstanceOf(ConnectException.class);
    }

    // llama.cpp server.cpp routes; Ollama openai.go CompletionRequest; Anthropic List Models
    @Test
    void endpointsTheRealServersHave() throws Exception {
        start("""
                [cloud.anthropic]
                port = 0
                """
                + SimToml.service("spark-1", "ollama-1", "ollama", "models = [\"llama3.2:3b\"]")
                + SimToml.service("spark-1", "llama", "llamacpp", "load_delay = \"10ms\""));
        int llama = sim.port("llama");
        Http.awaitStatus(llama, "/health", 200, Duration.ofSeconds(5));
        JsonNode slots = Http.json(Http.get(llama, "/slots").body());
        assertThat(slots.get(0).has("id_task")).as("no task yet").isFalse();
        assertThat(slots.get(0).has("next_token")).isFalse();
        JsonNode oai = Http.json(Http.post(llama, "/v1/completions", "{\"prompt\":\"" + SUM + "\"}").body());
        assertThat(oai.get("object").asText()).isEqualTo("text_completion");
        assertThat(oai.path("choices").path(0).path("text").asText()).isEqualTo("4");
        JsonNode nat = Http.json(Http.post(llama, "/completions", "{\"prompt\":\"" + SUM + "\"}").body());
        assertThat(nat.get("content").asText()).isEqualTo("4");
        assertThat(nat.get("stop").asBoolean()).isTrue();
        HttpResponse<String> emb = Http.post(llama, "/v1/embeddings", "{\"input\":\"hi\"}");
        assertThat(emb.statusCode()).isEqualTo(501);
        assertThat(emb.body()).contains("not_supported_error").contains("--embeddings");
        assertThat(Http.json(Http.get(llama, "/slots").body()).get(0).get("next_token").isArray()).isTrue();

        int ollama = sim.port("ollama-1");
        Http.Streamed completion = Http.stream(ollama, "/v1/completions", "{\"model\":\"llama3.2:3b\",\"stream\":true,\"prompt\":\"" + SUM + "\"}");
        assertThat(completion.json().get(0).get("object").asText()).isEqualTo("text_completion");
        assertThat(completion.json().get(0).path("choices").path(0).path("text").asText()).isEqualTo("4");
        assertThat(completion.lines()).last().isEqualTo("data: [DONE]");

        SimulatedCloud anthropic = sim.cloud("anthropic");
        HttpResponse<String> models = Http.send(HttpRequest.newBuilder(Http.uri(anthropic.server().port(), "/v1/models"))
                .header("x-api-key", anthropic.apiKey()).header("anthropic-version", "2023-06-01").GET());
        assertThat(models.statusCode()).isEqualTo(200);
        JsonNode list = Http.json(models.body());
        assertThat(list.path("data").path(0).path("type").asText()).isEqualTo("model");
        assertThat(list.path("data").path(0).path("display_name").asText()).isEqualTo("Claude Sonnet 4.5");
        assertThat(list.get("has_more").asBoolean()).isFalse();
        assertThat(Http.send(HttpRequest.newBuilder(Http.uri(anthropic.server().port(), "/v1/models"))
                .header("anthropic-version", "2023-06-01").GET()).statusCode()).isEqualTo(401);
    }

    // serving_chat.py (vLLM, both error shapes, then [DONE]); llama.cpp (no [DONE]); Ollama routes.go streamResponse
    @Test
    void errorsInsideStreamsInEachServersShape() throws Exception {
        start(SimToml.service("spark-1", "vnew", "vllm", "model = \"test/tiny-chat\"")
                + SimToml.service("spark-1", "vold", "vllm", "model = \"test/tiny-chat\"\nversion = \"0.10.0\"")
                + SimToml.service("spark-1", "llama", "llamacpp", "load_delay = \"10ms\"")
                + SimToml.service("spark-1", "ollama-1", "ollama", "models = [\"llama3.2:3b\"]"));
        Fault fault = new Fault(FaultType.STREAM_ERROR, Map.of("after_chunks", 2, "message", "boom"));
        String chat = "{\"model\":\"test/tiny-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"tell me a story\"}]}";
        for (String name : List.of("vnew", "vold", "llama")) {
            Http.awaitStatus(sim.port(name), "/health", 200, Duration.ofSeconds(5));
            sim.control().setFault(name, fault);
            Http.Streamed s = Http.stream(sim.port(name), "/v1/chat/completions", chat);
            assertThat(s.status()).isEqualTo(200);
            List<String> lines = s.lines();
            String error = name.equals("llama") ? lines.get(lines.size() - 1) : lines.get(lines.size() - 2);
            switch (name) {
                case "vnew" -> assertThat(error).startsWith("data: {\"error\":{").contains("boom");
                case "vold" -> assertThat(error).startsWith("data: {\"object\":\"error\"").contains("boom");
                default -> assertThat(error).startsWith("data: {\"error\":{\"code\":500").contains("boom");
            }
            assertThat(lines.contains("data: [DONE]")).as(name).isEqualTo(!name.equals("llama"));
        }
        sim.control().setFault("ollama-1", fault);
        Http.Streamed native_ = Http.stream(sim.port("ollama-1"), "/api/generate", "{\"model\":\"llama3.2:3b\",\"prompt\":\"tell me a story\"}");
        assertThat(native_.lines()).last().isEqualTo("{\"error\":\"boom\"}");
        assertThat(native_.lines()).hasSize(3);
    }

    // types.go/routes.go small points: delete leaves the runner; vLLM embeddings on a chat model; Anthropic cumulative usage
    @Test
    void smallerContractPoints() throws Exception {
        int port = ollama("");
        generate(port, "llama3.2:3b", "");
        assertThat(Http.delete(port, "/api/delete", "{\"model\":\"llama3.2:3b\"}").statusCode()).isEqualTo(200);
        assertThat(Http.get(port, "/api/ps").body()).contains("llama3.2:3b");
        sim.close();
        start("""
                [cloud.anthropic]
                port = 0
                """
                + SimToml.service("spark-1", "vllm-1", "vllm", "model = \"test/tiny-chat\"\nversion = \"0.10.0\""));
        int vllm = sim.port("vllm-1");
        Http.awaitStatus(vllm, "/health", 200, Duration.ofSeconds(5));
        HttpResponse<String> emb = Http.post(vllm, "/v1/embeddings", "{\"model\":\"test/tiny-chat\",\"input\":\"hi\"}");
        assertThat(emb.statusCode()).isEqualTo(400);
        assertThat(emb.body()).contains("The model does not support Embeddings API").contains("\"object\":\"error\"");
        SimulatedCloud anthropic = sim.cloud("anthropic");
        HttpResponse<String> stream = Http.send(HttpRequest.newBuilder(Http.uri(anthropic.server().port(), "/v1/messages"))
                .header("x-api-key", anthropic.apiKey()).header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":20,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"" + SUM + "\"}]}")));
        String delta = stream.body().lines().filter(l -> l.startsWith("data: {\"type\":\"message_delta\"")).findFirst().orElseThrow();
        assertThat(Http.json(delta.substring(6)).path("usage").has("input_tokens")).isTrue();
    }

    /** The port closes a moment after the fault is set. */
    private static boolean awaitRefused(int port) throws InterruptedException {
        long until = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < until) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                Thread.sleep(10);
            } catch (ConnectException refused) {
                return true;
            } catch (IOException other) {
                return false;
            }
        }
        return false;
    }

    /** docker-proxy binds the host port as the container starts; the simulated one opens it a moment later. */
    private static void awaitListening(int port) throws InterruptedException {
        long until = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < until) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException refused) {
                Thread.sleep(10);
            }
        }
    }

    private static HttpResponse<String> post(int port, String path, String body) {
        try {
            return Http.post(port, path, body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
