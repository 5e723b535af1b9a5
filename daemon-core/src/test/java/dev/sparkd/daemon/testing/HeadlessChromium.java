package dev.sparkd.daemon.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Debian's headless Chromium driven over the DevTools protocol (the JDK's WebSocket client, no WebDriver): tests open a
 * page, run script in it as a user's click would, wait for what the user would see, and take screenshots. Fails, never
 * skips, when Chromium is missing.
 */
public final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://[^\\s]+)");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    public static Path executable() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(c))) {
                return Path.of(c);
            }
        }
        throw new AssertionError("headless Chromium not found: run scripts/provision-tests (apt-get install chromium)");
    }

    /** Starts Chromium with a window of the given size and attaches to its first tab. */
    public static HeadlessChromium start(Path profile, int width, int height) {
        try {
            Files.createDirectories(profile);
            Process p = new ProcessBuilder(executable().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--no-first-run", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                    "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=" + width + "," + height, "about:blank")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String browser = devToolsUrl(p);
            URI list = URI.create(browser.replaceFirst("^ws://([^/]+)/.*$", "http://$1/json/list"));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String page = null;
            for (int i = 0; i < 50 && page == null; i++) {
                JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(list).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode t : targets) {
                    if ("page".equals(t.path("type").asText())) {
                        page = t.path("webSocketDebuggerUrl").asText();
                    }
                }
                if (page == null) {
                    Thread.sleep(100);
                }
            }
            if (page == null) {
                p.destroyForcibly();
                throw new AssertionError("Chromium opened no page target");
            }
            HeadlessChromium[] self = new HeadlessChromium[1];
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(page), new Listener(self)).get(10, TimeUnit.SECONDS);
            self[0] = new HeadlessChromium(p, ws);
            self[0].send("Page.enable", JSON.createObjectNode());
            self[0].send("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", width).put("height", height)
                    .put("deviceScaleFactor", 1).put("mobile", false));
            return self[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new AssertionError("cannot drive headless Chromium: " + e, e);
        }
    }

    private static String devToolsUrl(Process p) throws IOException {
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                }
                url.completeExceptionally(new AssertionError("Chromium exited before it listened for DevTools"));
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            return url.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new AssertionError("Chromium did not start its DevTools endpoint: " + e, e);
        }
    }

    /** Loads {@code url} and waits until the document finished loading. */
    public void open(String url) {
        send("Page.navigate", JSON.createObjectNode().put("url", url));
        waitUntil("document.readyState === 'complete' && location.href !== 'about:blank'", Duration.ofSeconds(20));
    }

    /** Evaluates a script expression in the page (promises awaited) and returns its JSON value. */
    public JsonNode eval(String expression) {
        JsonNode r = send("Runtime.evaluate", JSON.createObjectNode().put("expression", expression).put("awaitPromise", true)
                .put("returnByValue", true));
        if (r.has("exceptionDetails")) {
            throw new AssertionError("script failed in the page: " + expression + "\n" + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** Polls a boolean expression until true; fails with the page's text when the deadline passes. */
    public void waitUntil(String condition, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (eval("!!(" + condition + ")").asBoolean()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + condition
                + "\npage text:\n" + eval("document.body ? document.body.innerText : ''").asText());
    }

    /** The page's current DOM, serialized. */
    public String dom() {
        return eval("document.documentElement.outerHTML").asText();
    }

    /** Writes a PNG of the viewport to {@code file}. */
    public Path screenshot(Path file) {
        JsonNode r = send("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, Base64.getDecoder().decode(r.path("data").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private JsonNode send(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        socket.sendText(msg.toString(), true).join();
        try {
            JsonNode reply = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new AssertionError(method + " failed: " + reply.get("error"));
            }
            return reply.path("result");
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(method + " got no answer from Chromium within " + COMMAND_TIMEOUT.toSeconds() + " s", e);
        } finally {
            pending.remove(id);
        }
    }

    @Override
    public void close() {
        socket.abort();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Collects frames into messages and hands each answer to the command waiting for it; events are ignored. */
    private static final class Listener implements WebSocket.Listener {
        private final HeadlessChromium[] owner;
        private final StringBuilder message = new StringBuilder();

        Listener(HeadlessChromium[] owner) {
            this.owner = owner;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                try {
                    JsonNode node = JSON.readTree(message.toString());
                    CompletableFuture<JsonNode> waiting = node.has("id") && owner[0] != null ? owner[0].pending.get(node.get("id").asInt()) : null;
                    if (waiting != null) {
                        waiting.complete(node);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    message.setLength(0);
                }
            }
            ws.request(1);
            return null;
        }
    }
}
