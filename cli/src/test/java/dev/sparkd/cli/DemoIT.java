package dev.sparkd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ./sparkd demo} as a newcomer runs it: every line of the "try it" block it prints works as printed, and
 * {@code ./sparkd doctor} finds all well, then finds and explains an unknown host key, a stopped service and a missing
 * cloud key. One demo for the whole class (it takes a minute or more to start); the swap the block prints runs last
 * among the printed commands, and the fault checks come after it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Duration READY = Duration.ofMinutes(8);
    private static final Pattern COMMAND = Pattern.compile("^\\s*\\$ (.+)$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static Process demo;
    private static Path log;
    private static List<String> block;

    @BeforeAll
    static void startDemo() throws Exception {
        log = Files.createTempFile("sparkd-demo", ".log");
        ProcessBuilder pb = new ProcessBuilder("./sparkd", "demo").directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("SPARKD_NO_BUILD", "1");
        demo = pb.start();
        long deadline = System.nanoTime() + READY.toNanos();
        while (!Files.readString(log).contains("sparkd: running")) {
            if (!demo.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the demo did not become ready:\n" + Files.readString(log));
            }
            Thread.sleep(500);
        }
        String out = Files.readString(log);
        block = out.substring(out.indexOf("Try it"), out.indexOf("sparkd: running")).lines().toList();
        // A swap chosen through the API outlives a restart: a .state/ left by an earlier run may make the
        // model-manager swap vllm-1 right after start. Begin when that is over and vllm-1 serves.
        awaitQuietVllm();
    }

    /**
     * Until the model-manager's first reconcile (5 s after its start) has had time to begin, no model-manager
     * operation runs, and the health-agent reports vllm-1 up (it answers 200).
     */
    private static void awaitQuietVllm() throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        String token = Files.readString(ROOT.resolve(".state/demo/admin-token")).strip();
        Pattern uptime = Pattern.compile("\"uptime_seconds\":(\\d+)");
        while (true) {
            Matcher info = uptime.matcher(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8472/api/v1/info"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
            boolean settled = info.find() && Long.parseLong(info.group(1)) >= 20;
            String operations = get("http://127.0.0.1:8472/api/v1/operations").body();
            boolean up = get("http://127.0.0.1:8471/api/v1/services/vllm-1").statusCode() == 200;
            if (settled && up && !operations.contains("\"state\":\"running\"")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("vllm-1 not up, or an operation still running: " + operations);
            }
            Thread.sleep(1000);
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @AfterAll
    static void stopDemo() throws Exception {
        if (demo == null) {
            return;
        }
        try {
            restoreTheDeclaredModel();
        } finally {
            stop();
        }
    }

    /** Swaps vllm-1 back to the model demo.toml declares, so the next demo does not start with a swap. */
    private static void restoreTheDeclaredModel() throws Exception {
        awaitQuietVllm();
        String token = Files.readString(ROOT.resolve(".state/demo/admin-token")).strip();
        HttpResponse<String> swap = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8472/api/v1/services/vllm-1/swap"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"qwen-7b\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(swap.statusCode()).as(swap.body()).isEqualTo(202);
        awaitQuietVllm();
    }

    private static void stop() throws Exception {
        List<ProcessHandle> tree = new ArrayList<>(demo.descendants().toList());
        demo.destroy(); // SIGTERM: the launcher's trap stops the daemons, PostgreSQL and the simulator
        if (!demo.waitFor(90, TimeUnit.SECONDS)) {
            demo.destroyForcibly();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        assertThat(tree.stream().filter(ProcessHandle::isAlive).toList()).as("left behind").isEmpty();
        Files.deleteIfExists(log);
    }

    /** The block's {@code $} lines, in order. */
    private static List<String> commands() {
        return block.stream().map(COMMAND::matcher).filter(Matcher::matches).map(m -> m.group(1)).toList();
    }

    private static String find(String regex) {
        Pattern p = Pattern.compile(regex);
        return block.stream().map(p::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst()
                .orElseThrow(() -> new AssertionError("no line matching " + regex + " in:\n" + String.join("\n", block)));
    }

    record Run(int exit, String output) {
    }

    private static Run bash(String script, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(ROOT.toFile()).redirectErrorStream(true);
        // the jars were built by this Maven run: the launcher must not rebuild them under the test
        pb.environment().put("SPARKD_NO_BUILD", "1");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish: " + script + "\n" + out);
        }
        return new Run(p.exitValue(), out);
    }

    private static Run doctor(String config) throws Exception {
        Run r = bash("./sparkd doctor --config " + config, Map.of());
        System.out.println("$ ./sparkd doctor --config " + config + "   (exit " + r.exit() + ")\n" + r.output());
        return r;
    }

    @Test
    @Order(1)
    void doctorFindsTheDemoAllWell() throws Exception {
        Run r = doctor(".state/demo.toml");
        assertThat(r.exit()).as(r.output()).isEqualTo(0);
        List<String> checks = r.output().lines().filter(l -> !l.startsWith("sparkd doctor:")).toList();
        assertThat(checks).as(r.output()).allMatch(l -> l.startsWith("✓ "));
        assertThat(r.output()).contains("✓ config: ", "✓ database: PostgreSQL", "✓ host spark-1 ssh: host key matches",
                "✓ host spark-2 commands: nvidia-smi, docker, df, timeout present", "✓ service vllm-1: vllm at",
                "✓ service cloud: openai at", "✓ route private: 2 of 2", "✓ mcp server sim: sparkd-simulator-tools",
                "lists 3 tool(s): echo, add, utc_now", "✓ daemon router: ready", "sparkd doctor: all good");
    }

    @Test
    @Order(2)
    void everyPrintedCommandWorksAsPrinted() throws Exception {
        List<String> commands = commands();
        assertThat(commands).hasSizeGreaterThanOrEqualTo(8);
        // One shell, in order, as a user pastes them (the MCP lines share $sid); each command's status is recorded.
        StringBuilder script = new StringBuilder("set -o pipefail\n");
        for (int i = 0; i < commands.size(); i++) {
            script.append("echo '@@begin ").append(i).append("'\n").append(commands.get(i)).append("\n")
                    .append("echo; echo \"@@end ").append(i).append(" $?\"\n");
        }
        Run r = bash(script.toString(), Map.of());
        for (int i = 0; i < commands.size(); i++) {
            assertThat(r.output()).as("command %d: %s\n%s", i, commands.get(i), r.output()).contains("@@end " + i + " 0\n");
        }
        assertThat(output(r, commands, "/v1/chat/completions")).contains("\"choices\"");
        assertThat(output(r, commands, "/api/v1/services")).contains("\"services\"");
        assertThat(output(r, commands, "tools/call")).contains("hello from MCP");
        assertThat(output(r, commands, "sparkd doctor")).contains("sparkd doctor: all good");
        assertThat(output(r, commands, "/swap")).contains("\"id\"");
        assertThat(output(r, commands, "/api/v1/operations")).contains("swap");
    }

    /** What the first command containing {@code marker} printed. */
    private static String output(Run r, List<String> commands, String marker) {
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).contains(marker)) {
                String out = r.output();
                return out.substring(out.indexOf("@@begin " + i + "\n"), out.indexOf("@@end " + i + " "));
            }
        }
        throw new AssertionError("no printed command contains " + marker);
    }

    @Test
    @Order(3)
    void anOpenAiClientWithThePrintedBaseUrlAndKeyGetsAnAnswer() {
        String baseUrl = find("base URL (\\S+)");
        String key = find("API key (\\S+)");
        String model = find("model (\\S+)\\s*$");
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey(key).maxRetries(0).build();
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model(model)
                .addUserMessage("What is 2+2? Reply with just the number.").build());
        assertThat(c.choices()).isNotEmpty();
        assertThat(c.choices().get(0).message().content()).isPresent().get().asString().isNotBlank();
    }

    @Test
    @Order(4)
    void theMcpJsonSnippetConnectsAnMcpClientThatCallsASimulatedTool() throws Exception {
        JsonNode snippet = JSON.readTree(find("^\\s*(\\{\"mcpServers\".*)$")).at("/mcpServers/sparkd");
        assertThat(snippet.path("type").asText()).isEqualTo("http");
        URI url = URI.create(snippet.path("url").asText());
        String authorization = snippet.at("/headers/Authorization").asText();
        assertThat(find("key (sk-mcp-\\S+)")).isEqualTo(authorization.substring("Bearer ".length()));
        var transport = HttpClientStreamableHttpTransport.builder(url.getScheme() + "://" + url.getRawAuthority())
                .endpoint(url.getRawPath())
                .httpRequestCustomizer((b, method, uri, body, ctx) -> b.setHeader("Authorization", authorization))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
        try {
            client.initialize();
            assertThat(client.listTools().tools().stream().map(McpSchema.Tool::name).toList())
                    .contains("sim__echo", "sim__add", "sim__utc_now");
            McpSchema.CallToolResult sum = client.callTool(new McpSchema.CallToolRequest("sim__add", Map.of("a", 2, "b", 40)));
            assertThat(((McpSchema.TextContent) sum.content().get(0)).text()).isEqualTo("42");
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    @Order(5)
    void theHealthPageTheSwapPageAndTheGrafanaPathsThatArePrintedExist() throws Exception {
        for (String url : List.of(find("status page is (\\S+)"), find("one click at (\\S+)"))) {
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(url).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type").orElse("")).as(url).startsWith("text/html");
        }
        assertThat(ROOT.resolve(find("provisioning (\\S+)"))).isRegularFile();
        assertThat(ROOT.resolve(find("scrape (\\S+)"))).isRegularFile();
        Path dashboards = ROOT.resolve(find("dashboards (dashboards/\\S+)")).getParent();
        try (var files = Files.list(dashboards)) {
            assertThat(files.filter(f -> f.toString().endsWith(".json")).count()).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    @Order(6)
    void doctorNamesAnUnknownHostKeyAStoppedServiceAndAMissingCloudKeyWithTheirFixes() throws Exception {
        // A copy of the demo's config beside it (same relative paths) in which spark-2's known_hosts is empty and the
        // cloud key file does not exist; llama.cpp is stopped through the simulator's control API.
        Path emptyKnownHosts = ROOT.resolve(".state/doctor-it-known_hosts");
        Files.writeString(emptyKnownHosts, "");
        Path config = ROOT.resolve(".state/doctor-it.toml");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve(".state/demo.toml"))) {
            if (line.contains("port = 18423")) {
                line = line.replace("../.state/sim/known_hosts", "../.state/doctor-it-known_hosts");
            }
            lines.add(line.replace("api_key_file = \"../.state/sim/cloud-api-key\"", "api_key_file = \"../.state/doctor-it-missing-key\""));
        }
        Files.write(config, lines);
        URI fault = URI.create("http://127.0.0.1:18470/_sim/services/llamacpp-1/fault");
        assertThat(HTTP.send(HttpRequest.newBuilder(fault).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"type\":\"down\"}")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
        try {
            Run r = doctor(".state/doctor-it.toml");
            assertThat(r.exit()).as(r.output()).isEqualTo(1);
            assertThat(line(r, "✗ host spark-2 ssh: host key unknown: 127.0.0.1:18423 presented ssh-ed25519 SHA256:"))
                    .contains("fix: after checking the fingerprint on the host", "ssh-keyscan -p 18423 127.0.0.1 >> ")
                    .contains("doctor-it-known_hosts");
            assertThat(line(r, "✗ service llamacpp-1: llamacpp at http://127.0.0.1:18080 DOWN"))
                    .contains("fix: start llamacpp-1 on host spark-2");
            assertThat(line(r, "✗ service cloud: API key unreadable: cannot read secret file"))
                    .contains("doctor-it-missing-key", "fix: put the provider's API key in");
            assertThat(r.output()).contains("✓ host spark-1 ssh: host key matches", "✓ service ollama-2:", "✓ route private: 1 of 2")
                    .contains("sparkd doctor: ").doesNotContain("all good");
        } finally {
            HTTP.send(HttpRequest.newBuilder(fault).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            Files.deleteIfExists(config);
            Files.deleteIfExists(emptyKnownHosts);
        }
    }

    private static String line(Run r, String start) {
        return r.output().lines().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with \"" + start + "\" in:\n" + r.output()));
    }

    @Test
    @Order(7)
    void doctorStopsAtAnInvalidConfigWithExitTwo() throws Exception {
        Run r = doctor("examples/broken/typos.toml");
        assertThat(r.exit()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).startsWith("✗ config: ").contains("unknown key `state_dri` — did you mean `state_dir`?")
                .doesNotContain("✓ database");
    }
}
