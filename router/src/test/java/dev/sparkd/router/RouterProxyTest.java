package dev.sparkd.router;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;

import dev.sparkd.router.budget.Budgets;
import dev.sparkd.router.ledger.Ledger;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.daemon.testing.WrongListQueries;
import dev.sparkd.simulator.cloud.CloudFault;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.daemon.edge.AdminToken;

/** The router against the simulator, through real clients: the OpenAI Java SDK and plain HTTP. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatorResource.class)
class RouterProxyTest {
    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+2? Reply with just the number.\"}]%s}";

    @Inject
    Ledger ledger;
    @Inject
    Budgets budgets;
    @Inject
    SuiteConfig config;
    @Inject
    Pool pool;
    @Inject
    dev.sparkd.router.target.Targets targets;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    static String base() {
        return "http://127.0.0.1:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    @AfterEach
    void clearFaults() throws InterruptedException {
        SimulatorResource.sim.control().clearFaults("vllm-1");
        SimulatorResource.sim.control().clearFaults("ollama-1");
        SimulatorResource.sim.openAi().setFault(CloudFault.NONE);
        SimulatorResource.sim.openAi().setRateLimit(0);
        // the next test starts from a view where every local backend is known to be up again
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!targets.upstreams().stream().allMatch(u -> u.reachable()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** The admin routes (keys, usage) answer with the admin token, as {@code router keys} sends it. */
    io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + AdminToken.read(config));
    }

    HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    Row ledgerRow(String requestId) {
        return LedgerReads.row(ledger, pool, requestId);
    }

    @Test
    void openAiSdkChatsStreamsAndEmbeds() {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(base() + "/v1").apiKey("unused-keyless").maxRetries(0).build();
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("chat")
                .addUserMessage("What is 2+2? Reply with just the number.").build());
        assertThat(c.choices().get(0).message().content()).hasValue("4");
        assertThat(c.usage()).isPresent();

        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("chat").addUserMessage("What is 2+2? Reply with just the number.").build())) {
            s.stream().forEach(ch -> {
                chunks.add(ch);
                ch.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
            });
        }
        assertThat(text.toString()).isEqualTo("4");
        // the usage chunk the router asked for upstream is not shown to a client that did not ask for it
        assertThat(chunks).allSatisfy(ch -> assertThat(ch.choices()).isNotEmpty());

        CreateEmbeddingResponse e = client.embeddings().create(EmbeddingCreateParams.builder().model("embed").input("hello world").build());
        assertThat(e.data().get(0).embedding()).isNotEmpty();
    }

    @Test
    void streamingUsageIsKeptWhenTheClientAsks() throws Exception {
        var r = post("/v1/chat/completions", CHAT.formatted("chat", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"choices\":[]").contains("\"usage\":{").endsWith("data: [DONE]\n\n");
    }

    @Test
    void fallsBackBeforeTheFirstByteWhenTheLocalTargetIsDown() throws Exception {
        SimulatorResource.sim.control().setFault("vllm-1", Fault.of(FaultType.DOWN));
        String rid = "fb-" + UUID.randomUUID();
        var r = post("/v1/chat/completions", CHAT.formatted("chat", ",\"stream\":true"), "X-Request-Id", rid);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Sparkd-Target")).hasValue("ollama-1:llama3.2:3b");
        assertThat(r.body()).contains("\"content\":\"4\"").endsWith("data: [DONE]\n\n").doesNotContain("error");
        Row row = ledgerRow(rid);
        assertThat(row.getString("outcome")).isEqualTo("ok");
        assertThat(row.getString("fallbacks")).startsWith("vllm-1(");
        assertThat(row.getInteger("attempts")).isEqualTo(2);
    }

    @Test
    void aStreamThatBreaksAfterItStartedEndsWithAnErrorEvent() throws Exception {
        SimulatorResource.sim.control().setFault("vllm-1", Fault.of(FaultType.DROP_MID_STREAM, "after_chunks", 2));
        String rid = "mid-" + UUID.randomUUID();
        var r = post("/v1/chat/completions", "{\"model\":\"chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Write a long story about a router.\"}]}", "X-Request-Id", rid);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("chat.completion.chunk").contains("\"error\":{").contains("\"backend\":\"vllm-1\"")
                .contains("\"request_id\":\"" + rid + "\"").doesNotContain("[DONE]");
        Row row = ledgerRow(rid);
        assertThat(row.getString("outcome")).isEqualTo("stream_error");
        assertThat(row.getString("target")).isEqualTo("vllm-1");
    }

    @Test
    void localOnlyNeverReachesTheCloudEvenWhenEveryLocalTargetIsDown() throws Exception {
        SimulatorResource.sim.control().setFault("vllm-1", Fault.of(FaultType.DOWN));
        SimulatorResource.sim.control().setFault("ollama-1", Fault.of(FaultType.DOWN));
        int before = SimulatorResource.sim.openAi().requests().size();
        var byHeader = post("/v1/chat/completions", CHAT.formatted("spill", ""), "X-Sparkd-Local-Only", "true");
        var byRoute = post("/v1/chat/completions", CHAT.formatted("local", ",\"stream\":true"));
        assertThat(byHeader.statusCode()).isEqualTo(503);
        assertThat(byRoute.statusCode()).isEqualTo(503);
        assertThat(byHeader.body()).contains("\"type\":\"upstream_error\"").contains("\"request_id\":");
        assertThat(SimulatorResource.sim.openAi().requests()).hasSize(before);
        // the same route without the header does spill to the cloud: the assertion above could fail
        var spilled = post("/v1/chat/completions", CHAT.formatted("spill", ""));
        assertThat(spilled.statusCode()).isEqualTo(200);
        assertThat(SimulatorResource.sim.openAi().requests()).hasSize(before + 1);
    }

    @Test
    void errorsUseTheOpenAiShape() throws Exception {
        var unknown = post("/v1/chat/completions", CHAT.formatted("no-such-route", ""), "X-Request-Id", "err-1");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"type\":\"invalid_request_error\"").contains("\"code\":\"model_not_found\"")
                .contains("\"param\":\"model\"").contains("\"request_id\":\"err-1\"");
        var bad = post("/v1/chat/completions", "{not json");
        assertThat(bad.statusCode()).isEqualTo(400);
        SimulatorResource.sim.openAi().setFault(CloudFault.SERVER_ERROR);
        var failed = post("/v1/chat/completions", CHAT.formatted("cloudy", ""));
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(failed.body()).contains("\"backend\":\"cloud\"").contains("\"type\":\"server_error\"");
    }

    @Test
    void modelsListsRoutesWithAReachableTarget() {
        given().get("/v1/models").then().statusCode(200).body("object", equalTo("list")).body("data.id", hasItem("chat"))
                .body("data.id", hasItem("embed"));
        given().header("X-Sparkd-Local-Only", "true").get("/v1/models").then().statusCode(200)
                .body("data.id", not(hasItem("cloudy"))).body("data.id", hasItem("local"));
    }

    @Test
    void anthropicIsTranslatedBothWays() throws Exception {
        var plain = post("/v1/chat/completions", CHAT.formatted("claude", ",\"max_tokens\":50"));
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body()).contains("\"object\":\"chat.completion\"").contains("\"content\":\"4\"").contains("\"finish_reason\":\"stop\"")
                .contains("\"prompt_tokens\":");
        var streamed = post("/v1/chat/completions", CHAT.formatted("claude", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.body()).contains("\"role\":\"assistant\"").contains("\"content\":\"4\"").contains("\"finish_reason\":\"stop\"")
                .contains("\"completion_tokens\":").endsWith("data: [DONE]\n\n");
    }

    @Test
    void aBudgetOfOneCentHoldsUnderFiftyConcurrentRequests() throws Exception {
        // budgets fail closed until the spend is loaded, which waits for an earlier boot's ledger spill to be written
        // (another test class that froze PostgreSQL may leave one in the shared state directory)
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!budgets.loaded() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(budgets.loaded()).as("this day's spend loaded from the ledger").isTrue();
        int before = SimulatorResource.sim.openAi().requests().size();
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        String tag = "budget-" + UUID.randomUUID();
        for (int i = 0; i < 50; i++) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(base() + "/v1/chat/completions")).header("X-Request-Id", tag + "-" + i)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT.formatted("metered", ",\"max_tokens\":20"))).build();
            all.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        int refused = 0;
        for (var f : all) {
            HttpResponse<String> r = f.get();
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(r.body()).contains("budget");
                refused++;
            }
        }
        assertThat(ok).isPositive();
        assertThat(refused).isPositive();
        assertThat(ledger.drain(Duration.ofSeconds(10))).isTrue();
        var rows = pool.preparedQuery("select sum(cost_usd) as spent, max(cost_usd) as most from router.ledger where request_id like $1")
                .execute(Tuple.of(tag + "%")).await().atMost(Duration.ofSeconds(10));
        Row r = rows.iterator().next();
        double spent = r.getDouble("spent");
        double one = 40.0 * 30 / 1e6 + 160.0 * 20 / 1e6; // the largest single request's reservation
        assertThat(spent).isLessThanOrEqualTo(0.01 + one);
        assertThat(SimulatorResource.sim.openAi().requests().size() - before).isEqualTo(ok);
        // sequential requests go on until the cent is spent, then are refused; the total still holds
        int status = 200;
        for (int i = 0; i < 50 && status == 200; i++) {
            status = post("/v1/chat/completions", CHAT.formatted("metered", ",\"max_tokens\":20"), "X-Request-Id", tag + "-s" + i).statusCode();
        }
        assertThat(status).isEqualTo(429);
        assertThat(ledger.drain(Duration.ofSeconds(10))).isTrue();
        double total = pool.preparedQuery("select sum(cost_usd) as spent from router.ledger where request_id like $1")
                .execute(Tuple.of(tag + "%")).await().atMost(Duration.ofSeconds(10)).iterator().next().getDouble("spent");
        assertThat(total).isLessThanOrEqualTo(0.01 + one);
    }

    @Test
    void apiKeysAreCheckedAndRevocable() {
        String secret = admin().contentType("application/json").body("{\"name\":\"laptop\",\"routes\":[\"chat\"],\"local_only\":true}")
                .post("/api/v1/keys").then().statusCode(200).extract().path("key");
        String id = secret.split("-")[2];
        given().header("Authorization", "Bearer " + secret).contentType("application/json").body(CHAT.formatted("chat", ""))
                .post("/v1/chat/completions").then().statusCode(200);
        given().header("Authorization", "Bearer " + secret).contentType("application/json").body(CHAT.formatted("cloudy", ""))
                .post("/v1/chat/completions").then().statusCode(403).body("error.code", equalTo("model_not_allowed"));
        given().header("Authorization", "Bearer " + secret + "x").contentType("application/json").body(CHAT.formatted("chat", ""))
                .post("/v1/chat/completions").then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        admin().get("/api/v1/keys").then().statusCode(200).body("id", hasItem(id)).body("toString()", not(org.hamcrest.Matchers.containsString(secret)));
        admin().delete("/api/v1/keys/" + id).then().statusCode(200);
        given().header("Authorization", "Bearer " + secret).contentType("application/json").body(CHAT.formatted("chat", ""))
                .post("/v1/chat/completions").then().statusCode(401);
    }

    @Test
    void aKeyMayBurstUpToItsRpmAndIsThenHeldToTheRate() {
        String secret = admin().contentType("application/json").body("{\"name\":\"bursty\",\"rpm\":3}")
                .post("/api/v1/keys").then().statusCode(200).extract().path("key");
        for (int i = 0; i < 3; i++) {
            given().header("Authorization", "Bearer " + secret).contentType("application/json").body(CHAT.formatted("passthrough", ""))
                    .post("/v1/chat/completions").then().statusCode(200);
        }
        // a token comes back every 20 s: the fourth request in a row is refused
        given().header("Authorization", "Bearer " + secret).contentType("application/json").body(CHAT.formatted("passthrough", ""))
                .post("/v1/chat/completions").then().statusCode(429).body("error.code", equalTo("rate_limit_exceeded"));
    }

    @Test
    void usageGroupsTheLedger() throws Exception {
        post("/v1/chat/completions", CHAT.formatted("cloudy", ""));
        ledger.drain(Duration.ofSeconds(10));
        admin().get("/api/v1/usage?group_by=provider").then().statusCode(200).body("groups.group", hasItem("openai"));
        admin().get("/api/v1/usage?group_by=route&since=2020-01-01").then().statusCode(200).body("groups.group", hasItem("cloudy"));
        admin().get("/api/v1/usage?group_by=nope").then().statusCode(400);
        admin().get("/api/v1/usage?group_by=route&since=24h").then().statusCode(200).body("groups.group", hasItem("cloudy"));
        WrongListQueries.answer400(this::admin, "/api/v1/usage", false);
    }

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** What the capturing upstream received for the request it saw last, minus the fields the router may set. */
    static ObjectNode lastCaptured(String... without) throws Exception {
        var bodies = SimulatorResource.capture.bodies;
        ObjectNode got = (ObjectNode) MAPPER.readTree(bodies.get(bodies.size() - 1).encode());
        for (String f : without) {
            got.remove(f);
        }
        return got;
    }

    @Test
    void unknownFieldsReachACompatibleBackendUntouched() throws Exception {
        String sent = """
                {"model":"passthrough","messages":[{"role":"user","content":"What is 2+2?"}],
                 "top_k":20,"min_p":0.05,"repetition_penalty":1.1,"temperature":0.7,"max_tokens":50,
                 "chat_template_kwargs":{"enable_thinking":false,"custom":[1,"two",{"three":3.5}]},
                 "guided_json":{"type":"object","properties":{"n":{"type":"integer"}}},"seed":12345678901,"logit_bias":{"50256":-100}}
                """;
        var r = post("/v1/chat/completions", sent);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"content\":\"4\"");
        ObjectNode expected = (ObjectNode) MAPPER.readTree(sent);
        expected.remove("model");
        assertThat(lastCaptured().path("model").asText()).isEqualTo("capture-model");
        assertThat(lastCaptured("model")).isEqualTo(expected);

        // streamed: the same, except the usage chunk the router asks for on the client's behalf
        String streamed = sent.replace("\"max_tokens\":50", "\"max_tokens\":50,\"stream\":true");
        var s = post("/v1/chat/completions", streamed);
        assertThat(s.statusCode()).isEqualTo(200);
        assertThat(s.body()).contains("\"content\":\"4\"").endsWith("data: [DONE]\n\n").doesNotContain("\"usage\"");
        ObjectNode expectedStream = (ObjectNode) MAPPER.readTree(streamed);
        expectedStream.remove("model");
        assertThat(lastCaptured().path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(lastCaptured("model", "stream_options")).isEqualTo(expectedStream);

        // a client's own stream_options go through as sent
        String withOptions = streamed.replace("\"stream\":true", "\"stream\":true,\"stream_options\":{\"include_usage\":true,\"continuous_usage_stats\":true}");
        assertThat(post("/v1/chat/completions", withOptions).statusCode()).isEqualTo(200);
        ObjectNode expectedOptions = (ObjectNode) MAPPER.readTree(withOptions);
        expectedOptions.remove("model");
        assertThat(lastCaptured("model")).isEqualTo(expectedOptions);
    }

    @Test
    void aClientThatGoesAwayMidStreamCancelsTheUpstreamRequest() throws Exception {
        CaptureUpstream capture = SimulatorResource.capture;
        capture.slowClosed = new CompletableFuture<>();
        capture.slowStarted = new CompletableFuture<>();
        String rid = "gone-" + UUID.randomUUID();
        LeavingClient.postAndLeave(Integer.parseInt(base().substring(base().lastIndexOf(':') + 1)), "X-Request-Id: " + rid + "\r\n",
                "{\"model\":\"passthrough\",\"stream\":true,\"capture_slow\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                seen -> {
                    assertThat(seen).startsWith("HTTP/1.1 200");
                    assertThat(capture.slowClosed).isNotDone();
                });
        long closedAt = System.nanoTime();
        // the upstream would go on for 30 s; the router closes its connection as soon as the client is gone
        long upstreamClosed = capture.slowClosed.get(3, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(upstreamClosed - closedAt)).isLessThan(2000);
        assertThat(targets.all().stream().filter(t -> t.service().equals("capture")).findFirst().orElseThrow().inFlight().get()).isZero();
        Row row = ledgerRow(rid);
        assertThat(row.getString("outcome")).isEqualTo("client_closed");
        // the target stays healthy: a client leaving says nothing about the backend
        assertThat(post("/v1/chat/completions", CHAT.formatted("passthrough", "")).statusCode()).isEqualTo(200);
    }

    static final Pattern DOC_ROW = Pattern.compile("^\\| `(sparkd_router_[a-z0-9_]+)` \\|", Pattern.MULTILINE);
    static final Pattern EXPORTED = Pattern.compile("^(sparkd_router_[a-z0-9_]+?)(_total|_created|_count|_sum|_bucket)?[{ ]", Pattern.MULTILINE);

    @Test
    void documentedMetricsMatchTheLiveEndpoint() throws Exception {
        String doc = Files.readString(Path.of("../docs/metrics.md"));
        String section = doc.substring(doc.indexOf("\n## router") + 1);
        int next = section.indexOf("\n## ", 3);
        section = next > 0 ? section.substring(0, next) : section;
        Set<String> documented = new TreeSet<>();
        Matcher m = DOC_ROW.matcher(section);
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertThat(documented).hasSizeGreaterThan(10);

        // traffic that touches every family: plain, streamed, cloud (tokens, cost), and one fallback
        assertThat(post("/v1/chat/completions", CHAT.formatted("chat", "")).statusCode()).isEqualTo(200);
        assertThat(post("/v1/chat/completions", CHAT.formatted("chat", ",\"stream\":true")).statusCode()).isEqualTo(200);
        assertThat(post("/v1/chat/completions", CHAT.formatted("cloudy", ",\"stream\":true")).statusCode()).isEqualTo(200);
        // a streamed answer of several tokens, for the time per output token
        assertThat(post("/v1/chat/completions", "{\"model\":\"chat\",\"stream\":true,\"max_tokens\":12,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about the sea.\"}]}").statusCode()).isEqualTo(200);
        Set<String> exported = new TreeSet<>();
        for (int i = 0; i < 5; i++) {
            SimulatorResource.sim.control().setFault("vllm-1", Fault.of(FaultType.HTTP_5XX));
            post("/v1/chat/completions", CHAT.formatted("chat", ""));
            clearFaults();
            exported = exported();
            if (exported.contains("sparkd_router_fallbacks_total")) {
                break;
            }
        }
        assertThat(exported).as("documented in docs/metrics.md but absent from /q/metrics").containsAll(documented);
        assertThat(exported).as("exported but not in docs/metrics.md").allMatch(documented::contains);
    }

    static Set<String> exported() {
        String text = given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        Set<String> names = new TreeSet<>();
        Matcher e = EXPORTED.matcher(text);
        while (e.find()) {
            names.add(e.group(1) + ("_total".equals(e.group(2)) ? "_total" : ""));
        }
        return names;
    }

    @Test
    void everyRequestUnderRandomFaultsEndsInExactlyOneLedgerRowAndTokensMatch() throws Exception {
        int n = Integer.getInteger("router.soak.requests", 10_000);
        SimulatorResource.sim.openAi().clearRequests();
        String tag = "soak-" + UUID.randomUUID();
        Random random = new Random(42);
        AtomicInteger sent = new AtomicInteger();
        CloudFault[] faults = {CloudFault.NONE, CloudFault.NONE, CloudFault.SERVER_ERROR, CloudFault.OVERLOADED};
        List<CompletableFuture<HttpResponse<String>>> inflight = new ArrayList<>();
        while (sent.get() < n) {
            if (sent.get() % 50 == 0) {
                SimulatorResource.sim.openAi().setFault(faults[random.nextInt(faults.length)]);
            }
            int i = sent.getAndIncrement();
            String extra = i % 2 == 0 ? ",\"stream\":true" : "";
            HttpRequest req = HttpRequest.newBuilder(URI.create(base() + "/v1/chat/completions")).header("X-Request-Id", tag + "-" + i)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT.formatted("cloudy", extra)))
                    .build();
            inflight.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
            if (inflight.size() >= 32) {
                for (var f : inflight) {
                    f.get();
                }
                inflight.clear();
            }
        }
        for (var f : inflight) {
            f.get();
        }
        assertThat(ledger.drain(Duration.ofSeconds(30))).isTrue();
        Row r = LedgerReads.totals(pool, tag + "%", Duration.ofSeconds(10));
        assertThat(r.getLong("c")).isEqualTo(n);
        assertThat(r.getLong("d")).isEqualTo(n);
        LedgerReads.CloudTokens cloud = LedgerReads.CloudTokens.answered();
        assertThat(r.getLong("p")).isEqualTo(cloud.in());
        assertThat(r.getLong("o")).isEqualTo(cloud.out());
    }
}
