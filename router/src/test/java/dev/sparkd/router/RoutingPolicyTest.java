package dev.sparkd.router;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.router.ledger.Ledger;
import dev.sparkd.router.target.Targets;
import dev.sparkd.router.target.Upstream;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * Issue 17's routing policies against the simulator: sticky sessions, fallback on what the next target can fix,
 * capacity per backend, swaps drained, Idempotency-Key replays and the answer cache, and the key a local backend
 * requires.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatorResource.class)
class RoutingPolicyTest {
    static final String[] LOCAL = {"vllm-1", "vllm-old", "llamacpp-1", "ollama-1"};

    @Inject
    Targets targets;
    @Inject
    Ledger ledger;
    @Inject
    Pool pool;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    static String base() {
        return "http://127.0.0.1:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    @AfterEach
    void clearFaults() throws InterruptedException {
        for (String s : LOCAL) {
            SimulatorResource.sim.control().clearFaults(s);
        }
        await(() -> targets.upstreams().stream().allMatch(Upstream::reachable), "every backend reachable again");
    }

    HttpResponse<String> post(String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + "/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> postAsync(String body) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(base() + "/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String chat(String route, String firstQuestion, int turns) {
        StringBuilder messages = new StringBuilder("{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":\""
                + firstQuestion + "\"}");
        for (int i = 1; i < turns; i++) {
            messages.append(",{\"role\":\"assistant\",\"content\":\"4\"},{\"role\":\"user\",\"content\":\"And turn ").append(i).append("?\"}");
        }
        return "{\"model\":\"" + route + "\",\"messages\":[" + messages + "]}";
    }

    static String target(HttpResponse<?> r) {
        return r.headers().firstValue("X-Sparkd-Target").orElse("-");
    }

    Upstream upstream(String name) {
        return targets.upstreams().stream().filter(u -> u.name().equals(name)).findFirst().orElseThrow();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    Row ledgerRow(String requestId) {
        assertThat(ledger.drain(Duration.ofSeconds(10))).isTrue();
        var rows = pool.preparedQuery("select * from router.ledger where request_id = $1").execute(Tuple.of(requestId))
                .await().atMost(Duration.ofSeconds(10));
        assertThat(rows.size()).isEqualTo(1);
        return rows.iterator().next();
    }

    /** Asks {@code route} once, which {@code target} must answer; returns the fallbacks the ledger records for it. */
    String fallbacksOfOneAnswer(String route, String target) throws Exception {
        String rid = route + "-" + UUID.randomUUID();
        var r = post(chat(route, "What is 2+2?", 1), "X-Request-Id", rid);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(target(r)).isEqualTo(target);
        return ledgerRow(rid).getString("fallbacks");
    }

    @Test
    void aConversationStaysOnOneTargetAndMovesOnceWhenItGoesDown() throws Exception {
        String question = "Sticky " + UUID.randomUUID() + ": what is 2+2?";
        Set<String> seen = new HashSet<>();
        for (int turn = 1; turn <= 10; turn++) {
            var r = post(chat("sticky", question, turn));
            assertThat(r.statusCode()).isEqualTo(200);
            seen.add(target(r));
        }
        assertThat(seen).as("10 turns of one conversation").hasSize(1);
        String first = seen.iterator().next();

        // other conversations spread over the three targets (the affinity is per conversation, not per route)
        Set<String> spread = new HashSet<>();
        for (int i = 0; i < 24; i++) {
            spread.add(target(post(chat("sticky", "Other " + i + " " + UUID.randomUUID(), 1))));
        }
        assertThat(spread).hasSizeGreaterThan(1);

        SimulatorResource.sim.control().setFault(first, Fault.of(FaultType.DOWN));
        SimulatorResource.sim.control().settled(first).toCompletionStage().toCompletableFuture().get();
        var moved = post(chat("sticky", question, 11));
        assertThat(moved.statusCode()).isEqualTo(200);
        String second = target(moved);
        assertThat(second).isNotEqualTo(first);
        await(() -> !upstream(first).reachable(), first + " seen down");
        for (int turn = 12; turn <= 14; turn++) {
            assertThat(target(post(chat("sticky", question, turn)))).isEqualTo(second);
        }
        // it moved once: the first target coming back does not pull the conversation back to a cold cache
        SimulatorResource.sim.control().clearFaults(first);
        await(() -> upstream(first).reachable(), first + " seen up");
        assertThat(target(post(chat("sticky", question, 15)))).isEqualTo(second);
    }

    @Test
    void aSessionHeaderNamesTheConversation() throws Exception {
        String session = "session-" + UUID.randomUUID();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            // different first messages every time: only the header ties them together
            seen.add(target(post(chat("sticky", "Question " + UUID.randomUUID(), 1), "X-Session-Id", session)));
        }
        assertThat(seen).hasSize(1);
    }

    @Test
    void randomSpreadsOverTheTargets() throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 30 && seen.size() < 2; i++) {
            var r = post(chat("shuffled", "What is 2+2?", 1));
            assertThat(r.statusCode()).isEqualTo(200);
            seen.add(target(r));
        }
        assertThat(seen).containsExactlyInAnyOrder("vllm-1", "llamacpp-1");
    }

    @Test
    void aModelTheBackendDoesNotHaveMovesToTheNextTarget() throws Exception {
        assertThat(fallbacksOfOneAnswer("unpulled", "vllm-1")).isEqualTo("ollama-1:not-pulled:7b(not_found)");
    }

    @Test
    void aRejectedProviderKeyMovesOnAndIsNeverReportedAsTheCallersKey() throws Exception {
        assertThat(fallbacksOfOneAnswer("stale", "cloud:gpt-4.1-mini")).isEqualTo("stale-key:gpt-4.1-mini(auth_401)");

        var only = post(chat("stale-only", "What is 2+2?", 1));
        assertThat(only.statusCode()).isEqualTo(502);
        assertThat(only.body()).contains("\"code\":\"upstream_auth_failed\"").contains("\"backend\":\"stale-key\"")
                .contains("stale-key (openai) refused the router's credentials").doesNotContain("sk-expired");
        // the official client sees a server-side failure, not "your API key is wrong"
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(base() + "/v1").apiKey("unused-keyless").maxRetries(0).build();
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("stale-only")
                .addUserMessage("What is 2+2?").build()))
                .isInstanceOf(OpenAIServiceException.class).isNotInstanceOf(UnauthorizedException.class)
                .satisfies(e -> assertThat(((OpenAIServiceException) e).statusCode()).isEqualTo(502));
    }

    @Test
    void aLocalBackendGetsItsOwnKeyAsBearer() throws Exception {
        int before = SimulatorResource.capture.authorizations.size();
        var r = post("{\"model\":\"keyed\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "Authorization", "Bearer caller-key");
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> seen = SimulatorResource.capture.authorizations.subList(before, SimulatorResource.capture.authorizations.size());
        assertThat(seen).containsExactly("Bearer local-backend-key-7f3a");
    }

    @Test
    void llamaCppSlotsAreItsDefaultCapacity() throws Exception {
        await(() -> upstream("llamacpp-1").maxInFlight() == 4, "llama.cpp total_slots read from /props");
        assertThat(upstream("one-at-a-time").maxInFlight()).isEqualTo(1);
        assertThat(upstream("vllm-1").maxInFlight()).as("vLLM reports no limit: none").isZero();
    }

    @Test
    void aFullBackendSpillsRejectsOrQueuesPerRoute() throws Exception {
        // a stream that runs until the client leaves holds one-at-a-time's only slot
        HttpResponse<java.io.InputStream> holding = http.send(HttpRequest.newBuilder(URI.create(base() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"capped-spill\",\"stream\":true,\"capture_slow\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hold\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(target(holding)).isEqualTo("one-at-a-time:capture-model");
        await(() -> upstream("one-at-a-time").inFlight() == 1, "the slow stream holds the one slot");

        var spilled = post(chat("capped-spill", "What is 2+2?", 1));
        assertThat(spilled.statusCode()).isEqualTo(200);
        assertThat(target(spilled)).isEqualTo("ollama-1:llama3.2:3b");

        var rejected = post(chat("capped-reject", "What is 2+2?", 1));
        assertThat(rejected.statusCode()).isEqualTo(429);
        assertThat(rejected.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(rejected.body()).contains("\"code\":\"capacity_exceeded\"");

        var queued = postAsync(chat("capped-queue", "What is 2+2?", 1));
        await(() -> targets.queue("capped-queue").waiting() == 1, "one request waiting in the route's queue");
        var overflow = post(chat("capped-queue", "What is 2+2?", 1));
        assertThat(overflow.statusCode()).as("the queue holds one").isEqualTo(429);
        Thread.sleep(300);
        assertThat(queued).as("still waiting while the slot is held").isNotDone();
        holding.body().close(); // the client leaves: the router resets the stream and gives the slot back
        var served = queued.get();
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(target(served)).isEqualTo("one-at-a-time:capture-model");
        assertThat(targets.queue("capped-queue").waiting()).isZero();
        await(() -> upstream("one-at-a-time").inFlight() == 0, "every slot given back");
    }

    @Test
    void aBackendLoadingAModelIsDrainedAndComesBack() throws Exception {
        SimulatorResource.sim.control().setFault("llamacpp-1", Fault.of(FaultType.LOADING, "seconds", 60));
        await(() -> upstream("llamacpp-1").loading(), "llamacpp-1 seen loading");
        assertThat(fallbacksOfOneAnswer("llama-first", "vllm-1")).as("skipped, not tried").isNull();
        SimulatorResource.sim.control().clearFaults("llamacpp-1");
        await(() -> !upstream("llamacpp-1").loading() && upstream("llamacpp-1").reachable(), "llamacpp-1 back");
        assertThat(target(post(chat("llama-first", "What is 2+2?", 1)))).isEqualTo("llamacpp-1");
    }

    @Test
    void anIdempotencyKeyReplaysTheAnswerAndRefusesAnotherBody() throws Exception {
        String key = "idem-" + UUID.randomUUID();
        String body = chat("passthrough", "Idempotent " + key, 1);
        int before = SimulatorResource.capture.bodies.size();
        var first = post(body, "Idempotency-Key", key);
        var again = post(body, "Idempotency-Key", key);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(SimulatorResource.capture.bodies).hasSize(before + 1);

        var other = post(chat("passthrough", "Something else", 1), "Idempotency-Key", key);
        assertThat(other.statusCode()).isEqualTo(409);
        assertThat(other.body()).contains("\"code\":\"idempotency_key_reused\"");
        // without the key the same body is simply asked again
        assertThat(post(body).headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(SimulatorResource.capture.bodies).hasSize(before + 2);
    }

    @Test
    void theRouteCacheAnswersRepeatsButNeverLocalOnlyRequests() throws Exception {
        String body = chat("cached", "Cache " + UUID.randomUUID(), 1);
        int before = SimulatorResource.capture.bodies.size();
        double hits = metric("hit");
        double misses = metric("miss");
        var first = post(body);
        var second = post(body);
        assertThat(first.headers().firstValue("X-Sparkd-Cache")).isEmpty();
        assertThat(second.headers().firstValue("X-Sparkd-Cache")).hasValue("hit");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(SimulatorResource.capture.bodies).hasSize(before + 1);
        assertThat(metric("hit")).isEqualTo(hits + 1);
        assertThat(metric("miss")).isEqualTo(misses + 1);

        var local = post(body, "X-Sparkd-Local-Only", "true");
        assertThat(local.statusCode()).isEqualTo(200);
        assertThat(local.headers().firstValue("X-Sparkd-Cache")).isEmpty();
        assertThat(SimulatorResource.capture.bodies).hasSize(before + 2);
        // a streamed request is never cached
        var streamed = post(body.replace("{\"model\"", "{\"stream\":true,\"model\""));
        assertThat(streamed.headers().firstValue("X-Sparkd-Cache")).isEmpty();
        assertThat(SimulatorResource.capture.bodies).hasSize(before + 3);
    }

    static double metric(String result) {
        String text = given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : text.split("\n")) {
            if (line.startsWith("sparkd_router_cache_lookups_total{") && line.contains("route=\"cached\"")
                    && line.contains("result=\"" + result + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no sparkd_router_cache_lookups_total for route cached, result " + result);
    }
}
