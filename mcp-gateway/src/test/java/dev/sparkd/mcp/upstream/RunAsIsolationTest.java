package dev.sparkd.mcp.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sparkd.mcp.McpFixtures;
import dev.sparkd.mcp.config.McpSettings;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Vertx;

/**
 * A stdio server started with {@code run_as} cannot read the daemons' secrets: the real filesystem MCP server, started
 * by the supervisor as a separate system user, is asked to read a router state file (in a 0700 directory, as
 * {@code StateDirectory=sparkd/router} makes it), the Spark SSH key and the cloud API key (0600 files, as the
 * credentials are), and must fail on each, while it still reads a public file. The same server without {@code run_as}
 * (the gateway's own identity: root here) reads all three, so the test shows the identity is what stops it.
 * <p>
 * Needs root (to create the user and to start a process as it): it fails, never skips, elsewhere.
 */
class RunAsIsolationTest {
    static final String USER = "sparkd-mcp-test";
    private static Vertx vertx;
    private static Path base;
    private UpstreamSupervisor supervisor;

    @BeforeAll
    static void setUp() throws Exception {
        McpFixtures.requireInstalled();
        String whoami = run("id", "-u").strip();
        if (!whoami.equals("0")) {
            throw new IllegalStateException("RunAsIsolationTest needs root (it creates the system user " + USER
                    + " and starts an MCP server as it); running as uid " + whoami);
        }
        if (ProcessGroup.passwd(USER).isEmpty()) {
            String out = run("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", USER);
            if (ProcessGroup.passwd(USER).isEmpty()) {
                throw new IllegalStateException("cannot create the system user " + USER + " with useradd: " + out);
            }
        }
        assertThat(ProcessGroup.SETPRIV).as("setpriv (util-linux) is installed").isNotNull();
        Files.createDirectories(Path.of("target"));
        base = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "run-as-");
        chmod(base, "rwxr-xr-x");
        write(base.resolve("public/readme.txt"), "public-ok", "rw-r--r--", "rwxr-xr-x");
        write(base.resolve("state/router/db.password"), "router-state-secret", "rw-------", "rwx------");
        write(base.resolve("ssh/id_ed25519"), "ssh-key-secret", "rw-------", "rwxr-xr-x");
        write(base.resolve("credentials/openai-api-key"), "cloud-key-secret", "r--------", "rwxr-xr-x");
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void tearDown() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    @AfterEach
    void stop() {
        if (supervisor != null) {
            supervisor.stopAll();
        }
    }

    @Test
    void aServerRunAsItsOwnUserCannotReadTheDaemonsSecrets() throws Exception {
        Upstream u = start("isolated", Optional.of(USER));
        assertThat(uidOf(u.pid())).as("the server runs as " + USER).isEqualTo(ProcessGroup.passwd(USER).orElseThrow()[0]);
        assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(u.pid()), "cwd"))).as("it starts in /, not in the gateway's directory")
                .isEqualTo(Path.of("/"));

        assertThat(read(u, "public/readme.txt")).as("it does run and read files").isEqualTo(new Read(false, "public-ok"));
        for (String secret : List.of("state/router/db.password", "ssh/id_ed25519", "credentials/openai-api-key")) {
            Read r = read(u, secret);
            assertThat(r.error()).as("reading %s fails (%s)", secret, r.text()).isTrue();
            assertThat(r.text()).as("no secret in the answer for %s", secret).doesNotContain("secret");
        }
        supervisor.stopAll();
        assertThat(ProcessGroup.running(u.pid())).as("the gateway still ends a server that runs as another user").isFalse();
    }

    @Test
    void theSameServerWithoutRunAsReadsThemAll() throws Exception {
        Upstream u = start("same-user", Optional.empty());
        assertThat(read(u, "state/router/db.password")).isEqualTo(new Read(false, "router-state-secret"));
        assertThat(read(u, "ssh/id_ed25519")).isEqualTo(new Read(false, "ssh-key-secret"));
        assertThat(read(u, "credentials/openai-api-key")).isEqualTo(new Read(false, "cloud-key-secret"));
    }

    private Upstream start(String name, Optional<String> runAs) {
        McpSettings.Server fs = new McpSettings.Server(name, List.of("node", McpFixtures.server("filesystem").toString(), base.toString()),
                Optional.empty(), Optional.empty(), List.of(), Map.of(), runAs.isPresent() ? Optional.empty() : Optional.of(McpFixtures.DIR), false, 1024 * 1024,
                Duration.ofSeconds(20), Optional.empty(), 4L << 20, runAs);
        Upstreams upstreams = new Upstreams(List.of(fs));
        supervisor = new UpstreamSupervisor(upstreams, List.of(), new SupervisorWork(vertx), vertx, "test");
        supervisor.startAll();
        Upstream u = upstreams.get(name).orElseThrow();
        UpstreamSupervisorTest.await(() -> u.state() == UpstreamState.READY, name + " ready (state " + u.state() + ": " + u.reason() + ")");
        return u;
    }

    record Read(boolean error, String text) {
    }

    private static Read read(Upstream u, String relative) {
        McpSchema.CallToolResult result = u.client()
                .callTool(new McpSchema.CallToolRequest("read_text_file", Map.of("path", base.resolve(relative).toString())))
                .block(Duration.ofSeconds(20));
        String text = result.content().stream().filter(c -> c instanceof McpSchema.TextContent)
                .map(c -> ((McpSchema.TextContent) c).text()).collect(Collectors.joining("\n")).strip();
        return new Read(Boolean.TRUE.equals(result.isError()), text);
    }

    private static long uidOf(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream().filter(l -> l.startsWith("Uid:"))
                .map(l -> Long.parseLong(l.substring(4).trim().split("\\s+")[0])).findFirst().orElseThrow();
    }

    private static void write(Path file, String content, String fileMode, String dirMode) throws IOException {
        Files.createDirectories(file.getParent());
        chmod(file.getParent(), dirMode);
        Files.writeString(file, content);
        chmod(file, fileMode);
    }

    private static void chmod(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }
}
