package dev.sparkd.mcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real MCP reference servers for the tests: checks they are installed (failing, never skipping, with the install
 * step), and starts server-everything in its Streamable-HTTP mode on {@value #HTTP_PORT} for the remote upstream.
 */
public class McpFixtures implements QuarkusTestResourceLifecycleManager {
    public static final Path DIR = Path.of("src/test/fixtures").toAbsolutePath();
    public static final int HTTP_PORT = 39731;
    static final String INSTALL = "run mcp-gateway/src/test/fixtures/install.sh (npm ci of the pinned MCP reference servers; needs Node >= 18 and npm)";

    private Process remote;

    public static Path server(String name) {
        return DIR.resolve("node_modules/@modelcontextprotocol/server-" + name + "/dist/index.js");
    }

    /** Fails with the install step when node or the servers are missing. */
    public static void requireInstalled() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("`node --version` failed: install Node >= 18, then " + INSTALL);
            }
        } catch (IOException e) {
            throw new IllegalStateException("node is not on PATH: install Node >= 18, then " + INSTALL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String s : List.of("everything", "filesystem", "memory")) {
            if (!Files.isRegularFile(server(s))) {
                throw new IllegalStateException("MCP reference server " + s + " is not installed at " + server(s) + ": " + INSTALL);
            }
        }
        if (!Files.isDirectory(DIR.resolve("node_modules/@modelcontextprotocol/sdk"))) {
            throw new IllegalStateException("@modelcontextprotocol/sdk is not installed: " + INSTALL);
        }
    }

    @Override
    public Map<String, String> start() {
        requireInstalled();
        try {
            Files.createDirectories(Path.of("target"));
            List<String> cmd = new ArrayList<>(List.of("setsid", "node", server("everything").toString(), "streamableHttp"));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(DIR.toFile())
                    .redirectErrorStream(true).redirectOutput(Path.of("target/everything-http.log").toFile());
            pb.environment().put("PORT", Integer.toString(HTTP_PORT));
            remote = pb.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (!remote.isAlive()) {
                    throw new IllegalStateException("server-everything streamableHttp exited: see target/everything-http.log (port "
                            + HTTP_PORT + " in use?)");
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", HTTP_PORT), 200);
                    return Map.of();
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            throw new IllegalStateException("server-everything streamableHttp did not listen on " + HTTP_PORT + " within 30 s");
        } catch (IOException e) {
            throw new IllegalStateException("cannot start server-everything: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (remote != null) {
            remote.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            remote.destroyForcibly();
        }
    }
}
