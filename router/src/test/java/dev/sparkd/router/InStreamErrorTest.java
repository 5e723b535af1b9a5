package dev.sparkd.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.router.ledger.Ledger;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Errors reported inside a 200 stream, in each server's own shape (simulated with the {@code stream_error} fault):
 * vLLM {@code data: {"error":…}} then {@code [DONE]}, vLLM before 0.10.1 a flat {@code {"object":"error",…}} then
 * {@code [DONE]}, llama.cpp without {@code [DONE]}, Ollama /v1. Each ends the client's stream with a final SSE error
 * event and is recorded as {@code stream_error}, never as a success.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatorResource.class)
class InStreamErrorTest {
    @Inject
    Ledger ledger;
    @Inject
    Pool pool;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void clearFaults() {
        for (String s : new String[] {"vllm-1", "vllm-old", "llamacpp-1", "ollama-1"}) {
            SimulatorResource.sim.control().clearFaults(s);
        }
    }

    @ParameterizedTest
    @CsvSource({"local, vllm-1", "oldvllm, vllm-old", "llama, llamacpp-1", "spill, ollama-1"})
    void anErrorInsideTheStreamEndsItAsAnErrorAndIsLedgeredAsStreamError(String route, String service) throws Exception {
        SimulatorResource.sim.control().setFault(service, new Fault(FaultType.STREAM_ERROR,
                Map.of("after_chunks", 3, "message", "CUDA error: an illegal memory access was encountered")));
        String rid = "se-" + UUID.randomUUID();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class) + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("X-Request-Id", rid)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + route + "\",\"stream\":true,\"messages\":[{\"role\":"
                        + "\"user\",\"content\":\"Write a long story about a router.\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        String[] events = r.body().strip().split("\n\n");
        assertThat(events[events.length - 1]).as(r.body()).startsWith("data: {\"error\":{")
                .contains("illegal memory access").contains("\"backend\":\"" + service + "\"");
        assertThat(r.body()).contains("chat.completion.chunk").doesNotContain("[DONE]").doesNotContain("\"object\":\"error\"");
        assertThat(ledger.drain(Duration.ofSeconds(10))).isTrue();
        var rows = pool.preparedQuery("select * from router.ledger where request_id = $1").execute(Tuple.of(rid))
                .await().atMost(Duration.ofSeconds(10));
        assertThat(rows.size()).isEqualTo(1);
        Row row = rows.iterator().next();
        assertThat(row.getString("outcome")).isEqualTo("stream_error");
        assertThat(row.getString("target")).startsWith(service);
    }
}
