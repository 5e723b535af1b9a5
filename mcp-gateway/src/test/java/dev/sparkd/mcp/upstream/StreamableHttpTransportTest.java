package dev.sparkd.mcp.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sparkd.mcp.McpFixtures;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import reactor.core.publisher.Mono;

/**
 * The gateway's Streamable HTTP client against real servers over loopback: server-everything in its own
 * Streamable-HTTP mode (answers as SSE streams), and a server on the official TypeScript SDK that answers with JSON
 * bodies, wants a bearer token and adds tools at run time ({@code src/test/fixtures/http-server.mjs}).
 */
class StreamableHttpTransportTest {
    /** Below Linux's ephemeral range (32768–60999), so no client socket of another test can hold them. */
    static final int EVERYTHING_PORT = 29741;
    static final int JSON_PORT = 29742;
    static final int MISBEHAVING_PORT = 29743;
    static final String TOKEN = "upstream-secret-7";
    static final Duration WAIT = Duration.ofSeconds(20);
    static final List<Process> SERVERS = new ArrayList<>();
    static final HttpClient RAW = HttpClient.newHttpClient();
    static Vertx vertx;

    final List<McpAsyncClient> clients = new ArrayList<>();

    @BeforeAll
    static void startServers() throws Exception {
        McpFixtures.requireInstalled();
        vertx = Vertx.vertx();
        start(EVERYTHING_PORT, Map.of(), McpFixtures.server("everything").toString(), "streamableHttp");
        start(JSON_PORT, Map.of("JSON_RESPONSE", "1", "TOKEN", TOKEN), "http-server.mjs");
        vertx.createHttpServer().requestHandler(StreamableHttpTransportTest::misbehave)
                .listen(MISBEHAVING_PORT, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
    }

    /**
     * An upstream that initializes like an MCP server, then answers tools/call with what the call's "mode" asks for:
     * an HTML page (a proxy's sign-in page), an HTML body that never ends, a JSON body that is not JSON, an event
     * stream whose event is not JSON, or a proper result.
     */
    static void misbehave(HttpServerRequest req) {
        if (req.method() != HttpMethod.POST) {
            req.response().setStatusCode(req.method() == HttpMethod.DELETE ? 200 : 405).end();
            return;
        }
        req.body().onSuccess(body -> {
            JsonObject m = body.toJsonObject();
            HttpServerResponse resp = req.response();
            Object id = m.getValue("id");
            switch (m.getString("method")) {
                case "initialize" -> resp.putHeader("Content-Type", "application/json").putHeader("Mcp-Session-Id", "s-1")
                        .end(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", new JsonObject()
                                .put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject().put("tools", new JsonObject()))
                                .put("serverInfo", new JsonObject().put("name", "misbehaving").put("version", "1"))).encode());
                case "tools/call" -> {
                    switch (m.getJsonObject("params").getJsonObject("arguments").getString("mode")) {
                        case "html" -> resp.putHeader("Content-Type", "text/html").end("<html><body>Sign in</body></html>");
                        case "endless" -> resp.setChunked(true).putHeader("Content-Type", "text/html").write("<html><body>" + "x".repeat(8192));
                        case "json" -> resp.putHeader("Content-Type", "application/json").end("{\"jsonrpc\": \"2.0\", \"id\": ");
                        case "sse" -> resp.putHeader("Content-Type", "text/event-stream").end("event: message\ndata: <html>\n\n");
                        default -> resp.putHeader("Content-Type", "application/json").end(new JsonObject().put("jsonrpc", "2.0")
                                .put("id", id).put("result", new JsonObject().put("content", new JsonArray()
                                        .add(new JsonObject().put("type", "text").put("text", "fine")))).encode());
                    }
                }
                default -> resp.setStatusCode(202).end();
            }
        });
    }

    static void start(int port, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setsid", "node"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(McpFixtures.DIR.toFile()).redirectErrorStream(true)
                .redirectOutput(Path.of("target/http-transport-" + port + ".log").toFile());
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().putAll(env);
        Process p = pb.start();
        SERVERS.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("server on " + port + " (see target/http-transport-" + port + ".log)").isTrue();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("server on " + port + " did not listen within 30 s");
    }

    @AfterAll
    static void stopServers() {
        SERVERS.forEach(p -> {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(c -> c.closeGracefully().block(WAIT));
    }

    StreamableHttpTransport transport(int port, String token, int maxBytes) {
        return new StreamableHttpTransport("t" + port, vertx, URI.create("http://127.0.0.1:" + port + "/mcp"),
                Optional.ofNullable(token), McpJsonDefaults.getMapper(), maxBytes, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    McpAsyncClient client(StreamableHttpTransport transport, List<List<McpSchema.Tool>> toolLists) {
        McpAsyncClient c = McpClient.async(transport).requestTimeout(WAIT).initializationTimeout(WAIT)
                .clientInfo(new McpSchema.Implementation("sparkd-test", "1"))
                .toolsChangeConsumer(tools -> Mono.fromRunnable(() -> toolLists.add(tools)))
                .build();
        clients.add(c);
        return c;
    }

    static String echo(McpAsyncClient c, String message) {
        McpSchema.CallToolResult r = c.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", message))).block(WAIT);
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    @Test
    void callsServerEverythingOverSseAnswersInOneSession() {
        StreamableHttpTransport t = transport(EVERYTHING_PORT, null, 1 << 20);
        McpAsyncClient c = client(t, new CopyOnWriteArrayList<>());
        McpSchema.InitializeResult init = c.initialize().block(WAIT);
        assertThat(init.protocolVersion()).isEqualTo("2025-11-25");
        assertThat(init.serverInfo().name()).contains("everything");
        String session = t.sessionId();
        assertThat(session).isNotBlank();
        assertThat(c.listTools().block(WAIT).tools()).extracting(McpSchema.Tool::name).contains("echo", "get-sum");
        for (int i = 0; i < 20; i++) {
            assertThat(echo(c, "over sse " + i)).isEqualTo("Echo: over sse " + i);
        }
        McpSchema.CallToolResult sum = c.callTool(new McpSchema.CallToolRequest("get-sum", Map.of("a", 2, "b", 40))).block(WAIT);
        assertThat(((McpSchema.TextContent) sum.content().get(0)).text()).contains("42");
        assertThat(t.sessionId()).as("one session for every call").isEqualTo(session);
    }

    @Test
    void jsonAnswersTheTokenAndTheServersOwnStream() {
        List<List<McpSchema.Tool>> toolLists = new CopyOnWriteArrayList<>();
        StreamableHttpTransport t = transport(JSON_PORT, TOKEN, 1 << 20);
        McpAsyncClient c = client(t, toolLists);
        c.initialize().block(WAIT);
        assertThat(echo(c, "as json")).isEqualTo("Echo: as json");

        // the new tool's list_changed arrives on the session's GET stream, not in the answer to add_tool
        c.callTool(new McpSchema.CallToolRequest("add_tool", Map.of("name", "later"))).block(WAIT);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (toolLists.stream().noneMatch(l -> l.stream().anyMatch(tool -> tool.name().equals("later"))) && System.nanoTime() < deadline) {
            sleep(50);
        }
        assertThat(toolLists).as("tools/list_changed from the server's own stream").isNotEmpty();
        assertThat(toolLists.get(toolLists.size() - 1)).extracting(McpSchema.Tool::name).contains("later", "echo");
    }

    @Test
    void aWrongTokenFailsInitializeWithTheStatus() {
        McpAsyncClient c = client(transport(JSON_PORT, "not-the-token", 1 << 20), new CopyOnWriteArrayList<>());
        assertThatThrownBy(() -> c.initialize().block(WAIT)).hasStackTraceContaining("HTTP 401");
    }

    @Test
    void anAnswerOverTheLimitIsCutOffAndTheSessionGoesOn() {
        // JSON body: read up to the limit, then the request is reset and the caller told at once
        McpAsyncClient json = client(transport(JSON_PORT, TOKEN, 4096), new CopyOnWriteArrayList<>());
        json.initialize().block(WAIT);
        assertThatThrownBy(() -> json.callTool(new McpSchema.CallToolRequest("big_result", Map.of("bytes", 200_000))).block(WAIT))
                .isInstanceOf(McpError.class).hasMessageContaining("result too large").hasMessageContaining("max_result_size");
        assertThat(echo(json, "still here")).isEqualTo("Echo: still here");

        // SSE: an event over the limit
        McpAsyncClient sse = client(transport(EVERYTHING_PORT, null, 4096), new CopyOnWriteArrayList<>());
        sse.initialize().block(WAIT);
        assertThatThrownBy(() -> echo(sse, "y".repeat(10_000)))
                .isInstanceOf(McpError.class).hasMessageContaining("result too large").hasMessageContaining("4096");
        assertThat(echo(sse, "small")).isEqualTo("Echo: small");
    }

    @Test
    void aSessionTheServerEndedIsReplacedAndCloseEndsOurs() throws Exception {
        StreamableHttpTransport t = transport(JSON_PORT, TOKEN, 1 << 20);
        McpAsyncClient c = client(t, new CopyOnWriteArrayList<>());
        c.initialize().block(WAIT);
        String first = t.sessionId();
        assertThat(delete(JSON_PORT, first, TOKEN)).isEqualTo(200);

        // the server answers 404 for the ended session; the client initializes a new one (at most one call fails)
        String answer;
        try {
            answer = echo(c, "after restart");
        } catch (RuntimeException sessionGone) {
            answer = echo(c, "after restart");
        }
        assertThat(answer).isEqualTo("Echo: after restart");
        String second = t.sessionId();
        assertThat(second).isNotBlank().isNotEqualTo(first);

        // closing sends DELETE: the server no longer knows the session
        clients.remove(c);
        c.closeGracefully().block(WAIT);
        assertThat(delete(JSON_PORT, second, TOKEN)).isEqualTo(404);
    }

    @Test
    void anAnswerThatIsNotJsonFailsThatCallAtOnceAndTheSessionGoesOn() {
        McpAsyncClient c = client(transport(MISBEHAVING_PORT, null, 1 << 20), new CopyOnWriteArrayList<>());
        c.initialize().block(WAIT);
        Map<String, String> expected = Map.of(
                "html", "answered HTTP 200 with Content-Type 'text/html', not application/json or text/event-stream",
                "endless", "answered HTTP 200 with Content-Type 'text/html', not application/json or text/event-stream",
                "json", "answered with a JSON body that is not a JSON-RPC message",
                "sse", "ended its answer without a result");
        expected.forEach((mode, message) -> {
            long start = System.nanoTime();
            assertThatThrownBy(() -> call(c, mode)).as(mode).hasStackTraceContaining(message);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as(mode + ": failed at once, not at a deadline")
                    .isLessThan(Duration.ofSeconds(4));
            assertThat(call(c, "ok")).as("the session after " + mode).isEqualTo("fine");
        });
    }

    static String call(McpAsyncClient c, String mode) {
        McpSchema.CallToolResult r = c.callTool(new McpSchema.CallToolRequest("any", Map.of("mode", mode))).block(WAIT);
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    static int delete(int port, String session, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp")).DELETE()
                .header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return RAW.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
