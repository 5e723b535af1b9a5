package dev.sparkd.health.once;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sparkd.core.testing.CommandRun;
import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.config.SimConfig;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import dev.sparkd.simulator.testing.SimToml;
import dev.sparkd.simulator.testing.SuiteToml;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/** {@code health-agent --once} and {@code health-agent status}: the table and the exit codes 0, 1 and 2. */
class OnceCommandTest {
    static Simulator sim;
    static Path config;

    @BeforeAll
    static void start() throws Exception {
        sim = Simulator.start(SimConfig.parse("""
                [vllm.models."Qwen/Qwen2.5-7B-Instruct"]
                load_delay = "0ms"
                [sparks.spark-1]
                gpu = "gb10"
                """
                + SimToml.service("spark-1", "ollama-1", "ollama", "models = [\"llama3.2:3b\"]")
                + SimToml.service("spark-1", "vllm-1", "vllm", "model = \"Qwen/Qwen2.5-7B-Instruct\"")));
        config = SuiteToml.of("once", sim)
                .with("services.vllm-1", "model = \"Qwen/Qwen2.5-7B-Instruct\"")
                .with("health", "timeout = \"2s\"")
                .write(Path.of("target/once-test/sparkd.toml"));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    static CommandRun run(String... args) {
        return CommandRun.of((out, err) -> OnceCommand.run(args, Map.of(), out, err));
    }

    @Test
    void allUpExitsZeroWithATable() {
        CommandRun r = run("--once", "--config", config.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("SERVICE").containsPattern("ollama-1\\s+UP\\s+\\d+ms").containsPattern("vllm-1\\s+UP");
    }

    @Test
    void aDownServiceExitsOneAndSaysWhy() {
        sim.control().setFault("vllm-1", Fault.of(FaultType.ENGINE_DEAD));
        try {
            CommandRun r = run("--once", "--config", config.toString());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.out()).containsPattern("vllm-1\\s+DOWN\\s+\\S+\\s+engine dead: /health answered 503").containsPattern("ollama-1\\s+UP");
        } finally {
            sim.control().clearFaults("vllm-1");
        }
        sim.control().setFault("ollama-1", Fault.of(FaultType.DOWN));
        try {
            CommandRun r = run("--once", "--config", config.toString());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.out()).containsPattern("ollama-1\\s+DOWN\\s+-\\s+connection refused");
        } finally {
            sim.control().clearFaults("ollama-1");
        }
    }

    @Test
    void anInvalidConfigExitsTwoWithTheProblem() throws Exception {
        Path bad = config.resolveSibling("bad.toml");
        Files.writeString(bad, "[health]\nintervall = \"10s\"\n");
        CommandRun r = run("--once", "--config", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("intervall").contains("interval");
        assertThat(run("--once", "--config", "target/once-test/missing.toml").code()).isEqualTo(2);
    }

    @Test
    void statusAsksARunningAgent() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            String[] body = {"{\"services\":[{\"name\":\"vllm-1\",\"state\":\"UP\",\"latency_ms\":3.2},{\"name\":\"ollama-1\",\"state\":\"DEGRADED\",\"reason\":\"slow\"}]}"};
            HttpServer server = vertx.createHttpServer().requestHandler(req -> req.response().putHeader("content-type", "application/json")
                    .end(req.path().equals("/api/v1/services") ? body[0] : "{}")).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
            String url = "http://127.0.0.1:" + server.actualPort();
            CommandRun ok = run("status", "--url", url);
            assertThat(ok.code()).isZero();
            assertThat(ok.out()).containsPattern("vllm-1\\s+UP\\s+3ms").containsPattern("ollama-1\\s+DEGRADED\\s+-\\s+slow");
            body[0] = "{\"services\":[{\"name\":\"vllm-1\",\"state\":\"LOADING\",\"reason\":\"loading\"}]}";
            assertThat(run("status", "--url", url).code()).isEqualTo(1);
            server.close();
            CommandRun gone = run("status", "--url", url);
            assertThat(gone.code()).isEqualTo(1);
            assertThat(gone.err()).contains("cannot reach the agent");
        } finally {
            vertx.close();
        }
    }
}
