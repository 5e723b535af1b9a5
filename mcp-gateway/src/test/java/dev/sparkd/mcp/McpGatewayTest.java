package dev.sparkd.mcp;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.daemon.edge.AdminToken;
import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.daemon.testing.WrongListQueries;
import dev.sparkd.mcp.catalog.DownstreamRegistry;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * The gateway as a user meets it: the official MCP Java SDK client, through {@code /mcp}, in front of the real
 * reference servers (stdio and Streamable HTTP).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(McpFixtures.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class McpGatewayTest {
    static final String ALL = "sk-mcp-test-all";
    static final String NOFS = "sk-mcp-test-nofs";
    static final String LIMITED = "sk-mcp-test-limited";
    static final Duration READY = Duration.ofSeconds(60);
    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
            + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"curl\",\"version\":\"1\"}}}";

    @TestHTTPResource("/")
    URL base;
    @jakarta.inject.Inject
    SuiteConfig config;

    /** The audit answers with the admin token only. */
    io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + AdminToken.read(config));
    }

    private final List<McpSyncClient> clients = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(McpSyncClient::closeGracefully);
        clients.clear();
    }

    McpSyncClient client(String key) {
        return client(key, null);
    }

    McpSyncClient client(String key, CopyOnWriteArrayList<List<McpSchema.Tool>> changes) {
        return clientWith(key, spec -> {
            if (changes != null) {
                spec.toolsChangeConsumer(changes::add);
            }
        });
    }

    McpSyncClient clientWith(String key, Consumer<McpClient.SyncSpec> customize) {
        var transport = HttpClientStreamableHttpTransport.builder(base.toString().replaceAll("/$", ""))
                .endpoint("/mcp")
                .httpRequestCustomizer((b, method, uri, body, ctx) -> b.setHeader("Authorization", "Bearer " + key))
                .build();
        var spec = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30));
        customize.accept(spec);
        McpSyncClient c = spec.build();
        c.initialize();
        clients.add(c);
        return c;
    }

    static void awaitReady(String... servers) {
        long deadline = System.nanoTime() + READY.toNanos();
        for (String s : servers) {
            while (!"ready".equals(given().get("/api/v1/servers/" + s).then().extract().path("state"))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("upstream " + s + " not ready: " + given().get("/api/v1/servers/" + s).asString());
                }
                sleep(100);
            }
        }
    }

    static Set<String> names(McpSyncClient c) {
        Set<String> names = new TreeSet<>();
        c.listTools().tools().forEach(t -> names.add(t.name()));
        return names;
    }

    /** A POST to /mcp as a streamable-HTTP client sends one by hand: JSON, accepting JSON or an event stream. */
    static RequestSpecification mcpPost(String body) {
        return given().contentType("application/json").accept("application/json, text/event-stream").body(body);
    }

    /** A session opened by hand with {@code key}: its id. */
    static String session(String key) {
        return mcpPost(INITIALIZE).header("Authorization", "Bearer " + key).post("/mcp").then().statusCode(200)
                .extract().header("Mcp-Session-Id");
    }

    static String text(McpSchema.CallToolResult r) {
        return r.content().stream().filter(x -> x instanceof McpSchema.TextContent).map(x -> ((McpSchema.TextContent) x).text())
                .reduce("", String::concat);
    }

    @Test
    @Order(1)
    void listsNamespacedToolsOfEveryServerAndCallsThem() {
        awaitReady("everything", "filesystem", "memory", "dynamic", "everything-http");
        McpSyncClient c = client(ALL);
        assertThat(c.getServerInfo().name()).isEqualTo("sparkd-mcp-gateway");
        Set<String> names = names(c);
        assertThat(names).contains("everything__echo", "everything__get-sum", "filesystem__read_text_file",
                "filesystem__list_allowed_directories", "memory__create_entities", "memory__open_nodes", "everything-http__echo");
        assertThat(names).allMatch(n -> n.matches("^[a-zA-Z0-9_-]{1,64}$"));

        // input schemas pass through unchanged
        McpSchema.Tool echo = c.listTools().tools().stream().filter(t -> t.name().equals("everything__echo")).findFirst().orElseThrow();
        assertThat(echo.inputSchema()).containsKey("properties");
        assertThat(((Map<?, ?>) echo.inputSchema().get("properties")).keySet()).asString().contains("message");

        assertThat(text(c.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", "hi there")))))
                .isEqualTo("Echo: hi there");
        assertThat(text(c.callTool(new McpSchema.CallToolRequest("everything-http__echo", Map.of("message", "over http")))))
                .isEqualTo("Echo: over http");

        McpSchema.CallToolResult inside = c.callTool(new McpSchema.CallToolRequest("filesystem__read_text_file",
                Map.of("path", McpFixtures.DIR.resolve("allowed/hello.txt").toString())));
        assertThat(inside.isError()).isNotEqualTo(Boolean.TRUE);
        assertThat(text(inside)).contains("hello from the allowed directory");

        McpSchema.CallToolResult outside = c.callTool(new McpSchema.CallToolRequest("filesystem__read_text_file",
                Map.of("path", McpFixtures.DIR.resolve("package.json").toString())));
        assertThat(outside.isError()).as("the filesystem server refuses a path outside its directory").isTrue();
        assertThat(text(outside)).containsIgnoringCase("access denied");

        String entity = "sparkd-test-" + UUID.randomUUID();
        McpSchema.CallToolResult created = c.callTool(new McpSchema.CallToolRequest("memory__create_entities", Map.of("entities",
                List.of(Map.of("name", entity, "entityType", "test", "observations", List.of("written through the gateway"))))));
        assertThat(created.isError()).as(text(created)).isNotEqualTo(Boolean.TRUE);
        String read = text(c.callTool(new McpSchema.CallToolRequest("memory__open_nodes", Map.of("names", List.of(entity)))));
        assertThat(read).contains(entity).contains("written through the gateway");
    }

    @Test
    @Order(2)
    void refusesMissingKeysAndForeignOrigins() {
        mcpPost(INITIALIZE).post("/mcp")
                .then().statusCode(401).header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer"));
        mcpPost(INITIALIZE).header("Authorization", "Bearer sk-mcp-wrong").post("/mcp").then().statusCode(401);
        mcpPost(INITIALIZE).header("Authorization", "Bearer " + ALL).header("Origin", "https://evil.example").post("/mcp")
                .then().statusCode(403);
        mcpPost(INITIALIZE).header("Authorization", "Bearer " + ALL).header("Origin", "https://trusted.example").post("/mcp")
                .then().statusCode(200).header("Mcp-Session-Id", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    @Order(3)
    void aSessionCannotBeUsedWithAnotherKey() {
        McpSyncClient c = client(ALL);
        c.ping();
        String session = session(ALL);
        mcpPost("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}")
                .header("Authorization", "Bearer " + NOFS).header("Mcp-Session-Id", session).post("/mcp")
                .then().statusCode(403);
    }

    @Test
    @Order(3)
    void aToolCallIsAnsweredWithOneJsonBody() {
        awaitReady("everything");
        String session = session(ALL);
        mcpPost("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .header("Authorization", "Bearer " + ALL).header("Mcp-Session-Id", session).post("/mcp")
                .then().statusCode(202);
        mcpPost("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"everything__echo\","
                + "\"arguments\":{\"message\":\"as one body\"}}}")
                .header("Authorization", "Bearer " + ALL).header("Mcp-Session-Id", session).post("/mcp")
                .then().statusCode(200).contentType(startsWith("application/json"))
                .body("id", equalTo(2)).body("result.content[0].text", equalTo("Echo: as one body"));
    }

    @Test
    @Order(4)
    void aKeyOnlySeesAndCallsWhatItIsAllowed() {
        awaitReady("filesystem", "everything");
        McpSyncClient c = client(NOFS);
        Set<String> names = names(c);
        assertThat(names).contains("everything__echo", "memory__open_nodes");
        assertThat(names).noneMatch(n -> n.startsWith("filesystem__"));
        assertThatThrownBy(() -> c.callTool(new McpSchema.CallToolRequest("filesystem__read_text_file",
                Map.of("path", McpFixtures.DIR.resolve("allowed/hello.txt").toString()))))
                .isInstanceOf(McpError.class).hasMessageContaining("may not call");
    }

    @Test
    @Order(5)
    void rateLimitsAnswer429AsAJsonRpcError() {
        McpSyncClient c = client(LIMITED);
        assertThat(names(c)).containsExactly("everything__echo");
        c.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", "1")));
        c.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", "2")));
        assertThatThrownBy(() -> c.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", "3"))))
                .isInstanceOfSatisfying(McpError.class, e -> assertThat(e.getJsonRpcError().code()).isEqualTo(429))
                .hasMessageContaining("Too Many Requests");
    }

    @Test
    @Order(6)
    void argumentsOverTheServerLimitAreRefused() {
        McpSyncClient c = client(ALL);
        assertThatThrownBy(() -> c.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", "x".repeat(5000)))))
                .isInstanceOf(McpError.class).hasMessageContaining("at most 4096");
    }

    @Test
    @Order(7)
    void aToolAddedUpstreamAtRunTimeReachesConnectedClients() {
        awaitReady("dynamic");
        var changes = new CopyOnWriteArrayList<List<McpSchema.Tool>>();
        McpSyncClient c = client(ALL, changes);
        String tool = "late_" + Long.toHexString(System.nanoTime() & 0xffffff).replaceAll("[0-9]", "x");
        assertThat(names(c)).doesNotContain("dynamic__" + tool);
        c.callTool(new McpSchema.CallToolRequest("dynamic__add_tool", Map.of("name", tool)));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (changes.stream().noneMatch(l -> l.stream().anyMatch(t -> t.name().equals("dynamic__" + tool)))) {
            assertThat(System.nanoTime()).as("a tools/list_changed with dynamic__" + tool + " was pushed").isLessThan(deadline);
            sleep(100);
        }
        assertThat(text(c.callTool(new McpSchema.CallToolRequest("dynamic__" + tool, Map.of())))).isEqualTo("hello from " + tool);
    }

    /** The audit list's since and limit: admin only; wrong, oversized and overflowing values answer 400, not 404 or 500. */
    @Test
    @Order(8)
    void wrongAuditQueriesAnswer400AndNoTokenAnswers401() {
        given().get("/api/v1/audit?limit=10").then().statusCode(401);
        admin().get("/api/v1/audit?since=1h&limit=10").then().statusCode(200);
        WrongListQueries.answer400(this::admin, "/api/v1/audit", true);
    }

    @Test
    @Order(8)
    void auditShowsEveryCallWithOutcomeAndNoArgumentsUnlessConfigured() throws Exception {
        McpSyncClient c = client(NOFS);
        String marker = "audit-" + UUID.randomUUID();
        c.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", marker)));
        String secretPath = McpFixtures.DIR.resolve("allowed/hello.txt").toString();
        assertThatThrownBy(() -> c.callTool(new McpSchema.CallToolRequest("filesystem__read_text_file", Map.of("path", secretPath))));
        McpSyncClient all = client(ALL);
        all.callTool(new McpSchema.CallToolRequest("filesystem__read_text_file", Map.of("path", McpFixtures.DIR.resolve("package.json").toString())));

        JsonPath everything = awaitAudit("key=nofs&server=everything", 1);
        List<Map<String, Object>> echo = everything.getList("findAll { it.arguments?.message == '" + marker + "' }");
        assertThat(echo).hasSize(1);
        assertThat(echo.get(0)).containsEntry("outcome", "ok").containsEntry("tool", "echo").containsEntry("key", "nofs")
                .containsEntry("argument_sha256", sha256("{\"message\":\"" + marker + "\"}"));

        JsonPath fs = awaitAudit("server=filesystem", 3);
        List<String> outcomes = fs.getList("outcome");
        assertThat(outcomes).contains("ok", "tool_error", "denied");
        assertThat(fs.getList("arguments")).allMatch(a -> a == null);
        String raw = admin().get("/api/v1/audit?server=filesystem&limit=1000").asString();
        assertThat(raw).doesNotContain(secretPath).doesNotContain(ALL).doesNotContain(NOFS);
        assertThat(fs.getList("findAll { it.key == 'nofs' }.outcome")).containsOnly("denied");

        // the rate-limited call of the earlier test is there too, with its outcome
        assertThat(awaitAudit("key=limited", 3).getList("outcome")).contains("rate_limited", "ok");
        // every call the tests made through the gateway is in the log, with the outcome the client saw
        assertThat(awaitAudit("key=all&server=everything", 1).getList("outcome")).contains("ok", "too_large");
    }

    @Test
    @Order(9)
    void discoveryHealthAndMetricsDescribeTheUpstreams() throws Exception {
        awaitReady("everything", "filesystem", "memory", "dynamic", "everything-http");
        JsonPath servers = given().get("/api/v1/servers").then().statusCode(200).extract().jsonPath();
        assertThat(servers.getList("name")).containsExactly("everything", "filesystem", "memory", "dynamic", "everything-http");
        assertThat(servers.getString("find { it.name == 'everything-http' }.transport")).isEqualTo("streamable-http");
        assertThat(servers.getString("find { it.name == 'filesystem' }.protocol_version")).isEqualTo("2025-11-25");
        assertThat(servers.getInt("find { it.name == 'filesystem' }.tool_count")).isGreaterThanOrEqualTo(10);
        assertThat(servers.getList("find { it.name == 'memory' }.tools", String.class)).contains("memory__read_graph");
        given().get("/q/health/group/upstreams").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks[0].data.everything", equalTo("ready"));
        given().get("/api/v1/servers/nope").then().statusCode(404).body("error.type", equalTo("not_found"));

        String metrics = given().accept("text/plain").get("/q/metrics").asString();
        Set<String> exported = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^# TYPE (sparkd_mcp_\\w+) ").matcher(metrics);
        while (m.find()) {
            exported.add(m.group(1));
        }
        Set<String> documented = new TreeSet<>();
        String doc = Files.readString(Path.of("../docs/metrics.md"));
        String section = doc.substring(doc.indexOf("## mcp-gateway"));
        int next = section.indexOf("\n## ", 5);
        Matcher d = Pattern.compile("`(sparkd_mcp_\\w+)`").matcher(next > 0 ? section.substring(0, next) : section);
        while (d.find()) {
            documented.add(d.group(1));
        }
        assertThat(exported).as("every sparkd_mcp_ metric in /q/metrics is documented, and the other way round").isEqualTo(documented);
        assertThat(metrics).containsPattern("sparkd_mcp_tool_calls_total\\{outcome=\"ok\",server=\"everything\",tool=\"echo\",?\\} [1-9]");
        assertThat(metrics).containsPattern("sparkd_mcp_upstream_state\\{server=\"memory\",state=\"ready\",?\\} 1.0");
    }

    /** Every resource URI, page by page (the test profile's page size is 3). */
    static List<String> resourceUris(McpSyncClient c, int[] pages) {
        List<String> uris = new ArrayList<>();
        String cursor = null;
        do {
            McpSchema.ListResourcesResult r = c.listResources(cursor);
            r.resources().forEach(x -> uris.add(x.uri()));
            pages[0]++;
            cursor = r.nextCursor();
        } while (cursor != null && pages[0] < 100);
        return uris;
    }

    static Set<String> promptNames(McpSyncClient c) {
        Set<String> names = new TreeSet<>();
        c.listPrompts().prompts().forEach(p -> names.add(p.name()));
        return names;
    }

    static String text(McpSchema.ReadResourceResult r) {
        return r.contents().stream().filter(x -> x instanceof McpSchema.TextResourceContents)
                .map(x -> ((McpSchema.TextResourceContents) x).text()).reduce("", String::concat);
    }

    @Test
    @Order(11)
    void resourcesAndPromptsOfEveryServerAreAggregated() {
        awaitReady("everything", "dynamic", "everything-http");
        McpSyncClient c = client(ALL);
        assertThat(c.getServerCapabilities().prompts()).isNotNull();
        assertThat(c.getServerCapabilities().resources()).isNotNull();
        assertThat(c.getServerCapabilities().resources().listChanged()).isTrue();

        // resources keep their URI; the same URI from everything and everything-http is listed once (everything owns it)
        int[] pages = {0};
        List<String> uris = resourceUris(c, pages);
        assertThat(pages[0]).as("resources/list is paginated").isGreaterThan(1);
        assertThat(uris).doesNotHaveDuplicates()
                .contains("demo://resource/static/document/architecture.md", "dynamic://hello")
                .doesNotContain(DownstreamRegistry.ANCHOR_RESOURCE);
        McpSchema.ReadResourceResult doc = c.readResource(new McpSchema.ReadResourceRequest("demo://resource/static/document/architecture.md"));
        assertThat(text(doc)).contains("Architecture");
        assertThat(text(c.readResource(new McpSchema.ReadResourceRequest("dynamic://hello")))).isEqualTo("hello");
        assertThatThrownBy(() -> c.readResource(new McpSchema.ReadResourceRequest("demo://no/such/thing")))
                .isInstanceOf(McpError.class).hasMessageContaining("not found");

        // templates: uriTemplate unchanged, name namespaced; a URI matching one is read from its owner
        List<McpSchema.ResourceTemplate> templates = c.listResourceTemplates().resourceTemplates();
        assertThat(templates).extracting(McpSchema.ResourceTemplate::uriTemplate).doesNotHaveDuplicates()
                .contains("demo://resource/dynamic/text/{resourceId}");
        assertThat(templates).filteredOn(t -> t.uriTemplate().equals("demo://resource/dynamic/text/{resourceId}"))
                .extracting(McpSchema.ResourceTemplate::name).containsExactly("everything__Dynamic_Text_Resource");
        McpSchema.ReadResourceResult dynamic = c.readResource(new McpSchema.ReadResourceRequest("demo://resource/dynamic/text/7"));
        assertThat(dynamic.contents()).hasSize(1);
        assertThat(dynamic.contents().get(0).uri()).isEqualTo("demo://resource/dynamic/text/7");
        assertThat(text(dynamic)).contains("7");

        // prompts: <server>__<prompt>, arguments passed through both ways
        Set<String> prompts = promptNames(c);
        assertThat(prompts).contains("everything__simple-prompt", "everything__args-prompt", "everything-http__simple-prompt", "dynamic__hello")
                .doesNotContain(DownstreamRegistry.ANCHOR_PROMPT);
        McpSchema.Prompt args = c.listPrompts().prompts().stream().filter(p -> p.name().equals("everything__args-prompt")).findFirst().orElseThrow();
        assertThat(args.arguments()).extracting(McpSchema.PromptArgument::name).containsExactly("city", "state");
        assertThat(args.arguments().get(0).required()).isTrue();
        McpSchema.GetPromptResult got = c.getPrompt(new McpSchema.GetPromptRequest("everything__args-prompt", Map.of("city", "Lisbon")));
        assertThat(got.messages()).isNotEmpty();
        assertThat(((McpSchema.TextContent) got.messages().get(0).content()).text()).contains("Lisbon");
        assertThat(((McpSchema.TextContent) c.getPrompt(new McpSchema.GetPromptRequest("dynamic__hello", Map.of())).messages().get(0).content())
                .text()).isEqualTo("hello");
        assertThatThrownBy(() -> c.getPrompt(new McpSchema.GetPromptRequest(DownstreamRegistry.ANCHOR_PROMPT, Map.of())))
                .isInstanceOf(McpError.class);
    }

    @Test
    @Order(12)
    void aKeyOnlySeesAndReadsTheResourcesAndPromptsItIsAllowed() {
        awaitReady("everything", "dynamic");
        // limited: allow = ["everything__echo"] — no prompt, resource or template matches
        McpSyncClient limited = client(LIMITED);
        assertThat(promptNames(limited)).isEmpty();
        assertThat(resourceUris(limited, new int[1])).isEmpty();
        assertThat(limited.listResourceTemplates().resourceTemplates()).isEmpty();
        assertThatThrownBy(() -> limited.readResource(new McpSchema.ReadResourceRequest("demo://resource/static/document/architecture.md")))
                .isInstanceOf(McpError.class).hasMessageContaining("not found");
        assertThatThrownBy(() -> limited.readResource(new McpSchema.ReadResourceRequest("demo://resource/dynamic/text/7")))
                .isInstanceOf(McpError.class).hasMessageContaining("not found");
        assertThatThrownBy(() -> limited.getPrompt(new McpSchema.GetPromptRequest("everything__simple-prompt", Map.of())))
                .isInstanceOf(McpError.class);

        // nofs: allow = ["*"], deny = ["filesystem__*"] — everything's prompts and resources stay visible
        McpSyncClient nofs = client(NOFS);
        assertThat(promptNames(nofs)).contains("everything__simple-prompt", "dynamic__hello").noneMatch(n -> n.startsWith("filesystem__"));
        assertThat(resourceUris(nofs, new int[1])).contains("demo://resource/static/document/architecture.md");
    }

    @Test
    @Order(13)
    void promptsAndResourcesAddedUpstreamAtRunTimeReachConnectedClients() {
        awaitReady("dynamic");
        var promptChanges = new CopyOnWriteArrayList<List<McpSchema.Prompt>>();
        var resourceChanges = new CopyOnWriteArrayList<List<McpSchema.Resource>>();
        McpSyncClient c = clientWith(ALL, spec -> spec.promptsChangeConsumer(promptChanges::add).resourcesChangeConsumer(resourceChanges::add));
        String name = "late_" + Long.toHexString(System.nanoTime() & 0xffffff).replaceAll("[0-9]", "x");
        assertThat(promptNames(c)).doesNotContain("dynamic__" + name);
        c.callTool(new McpSchema.CallToolRequest("dynamic__add_prompt", Map.of("name", name)));
        c.callTool(new McpSchema.CallToolRequest("dynamic__add_resource", Map.of("name", name)));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (promptChanges.stream().noneMatch(l -> l.stream().anyMatch(p -> p.name().equals("dynamic__" + name)))) {
            assertThat(System.nanoTime()).as("a prompts/list_changed with dynamic__" + name + " was pushed").isLessThan(deadline);
            sleep(100);
        }
        while (resourceChanges.isEmpty() || !resourceUris(c, new int[1]).contains("dynamic://" + name)) {
            assertThat(System.nanoTime()).as("a resources/list_changed with dynamic://" + name + " was pushed").isLessThan(deadline);
            sleep(100);
        }
        assertThat(((McpSchema.TextContent) c.getPrompt(new McpSchema.GetPromptRequest("dynamic__" + name, Map.of())).messages().get(0)
                .content()).text()).isEqualTo("prompt " + name);
        assertThat(text(c.readResource(new McpSchema.ReadResourceRequest("dynamic://" + name)))).isEqualTo("resource " + name);
    }

    @Test
    @Order(20)
    void aKilledStdioServerIsRestartedAndItsToolsComeBack() {
        awaitReady("everything");
        ProcessHandle server = ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("server-everything/dist/index.js stdio")).findFirst()
                .orElseThrow(() -> new AssertionError("no stdio server-everything among the gateway's child processes"));
        int restarts = given().get("/api/v1/servers/everything").then().extract().path("restarts");
        server.destroyForcibly();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String state;
        while (!"restarting".equals(state = given().get("/api/v1/servers/everything").then().extract().path("state"))) {
            assertThat(System.nanoTime()).as("state went to restarting, last seen " + state).isLessThan(deadline);
            sleep(20);
        }
        awaitReady("everything");
        JsonPath after = given().get("/api/v1/servers/everything").then().extract().jsonPath();
        assertThat(after.getInt("restarts")).isEqualTo(restarts + 1);
        assertThat(after.getList("tools", String.class)).contains("everything__echo");
        assertThat(server.isAlive() && server.info().commandLine().isPresent()).as("the killed server is gone").isFalse();
        McpSyncClient c = client(ALL);
        assertThat(text(c.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", "back")))))
                .isEqualTo("Echo: back");
    }

    JsonPath awaitAudit(String query, int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            JsonPath p = admin().get("/api/v1/audit?limit=1000&" + query).then().statusCode(200).extract().jsonPath();
            if (p.getList("$").size() >= atLeast || System.nanoTime() > deadline) {
                return p;
            }
            sleep(100);
        }
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
