package dev.sparkd.health.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkd.core.config.SecretRef;
import dev.sparkd.core.config.ServiceDef;
import dev.sparkd.core.config.ServiceKind;
import dev.sparkd.core.config.TlsTrust;
import dev.sparkd.core.http.BackendHttp;
import dev.sparkd.health.state.State;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpServer;

/**
 * A vLLM started with {@code --api-key} answers 401 to anything without it: the probe sends the service's
 * {@code api_key_file} as Bearer on every request, and the server sees nothing else.
 */
class BackendKeyProbeTest {
    static Vertx vertx;
    static HttpServer server;
    static final List<String> seen = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(req -> {
            String auth = req.getHeader("Authorization");
            seen.add(req.path() + " " + auth);
            if (!"Bearer vllm-secret-42".equals(auth)) {
                req.response().setStatusCode(401).putHeader("Content-Type", "application/json").endAndForget("{\"error\":\"Unauthorized\"}");
                return;
            }
            String body = req.path().equals("/v1/models") ? "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\"}]}" : "";
            req.response().putHeader("Content-Type", "application/json").endAndForget(body);
        }).listenAndAwait(0, "127.0.0.1");
    }

    @AfterAll
    static void stop() {
        vertx.closeAndAwait();
    }

    ProbeResult probe(Optional<SecretRef> key) {
        ServiceDef def = new ServiceDef("vllm-keyed", ServiceKind.VLLM, Optional.of("spark-1"),
                URI.create("http://127.0.0.1:" + server.actualPort()), Optional.empty(), Duration.ZERO, Optional.empty(),
                Optional.empty(), key, List.of(), Duration.ofSeconds(2), true, TlsTrust.DEFAULT);
        try (BackendHttp http = new BackendHttp(vertx, def.baseUri(), Duration.ofSeconds(2))) {
            return new VllmProbe(def, http, RealServerBehaviourTest.settings(Map.of())).run().await().atMost(Duration.ofSeconds(5));
        }
    }

    @Test
    void theProbeSendsTheServicesKeyOnEveryRequest() throws Exception {
        Path file = dir.resolve("vllm-key");
        Files.writeString(file, "vllm-secret-42\n");
        seen.clear();
        ProbeResult keyed = probe(Optional.of(SecretRef.file(file)));
        assertThat(keyed.state()).isEqualTo(State.UP);
        assertThat(seen).isNotEmpty().allSatisfy(line -> assertThat(line).endsWith(" Bearer vllm-secret-42"));
        assertThat(keyed.toString()).doesNotContain("vllm-secret-42");

        // the same server without the key configured: the probe cannot pass (so the assertion above could fail)
        seen.clear();
        assertThat(probe(Optional.empty()).state()).isNotEqualTo(State.UP);
        assertThat(seen).allSatisfy(line -> assertThat(line).endsWith(" null"));
    }
}
