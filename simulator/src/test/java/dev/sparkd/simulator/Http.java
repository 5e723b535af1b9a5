package dev.sparkd.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A small blocking HTTP client for the tests (java.net.http), against 127.0.0.1. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    // HTTP/1.1, as Ollama, vLLM and llama.cpp speak it: an h2c upgrade would keep one pooled connection that a "down"
    // fault ends with GOAWAY, instead of the refused connection a client of the real servers sees
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private Http() {
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(port, path)).GET());
    }

    static HttpResponse<String> head(int port, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(port, path)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    }

    static HttpResponse<String> post(int port, String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(port, path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    static HttpResponse<String> put(int port, String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(port, path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    static HttpResponse<String> delete(int port, String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(port, path)).header("Content-Type", "application/json")
                .method("DELETE", json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Posts and reads the streamed body line by line as it arrives. */
    static Streamed stream(int port, String path, String json) throws IOException, InterruptedException {
        HttpResponse<java.io.InputStream> r = CLIENT.send(HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        List<String> lines = new ArrayList<>();
        IOException error = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            error = e;
        }
        return new Streamed(r.statusCode(), r.headers().firstValue("content-type").orElse(""), lines, error);
    }

    record Streamed(int status, String contentType, List<String> lines, IOException error) {
        List<JsonNode> json() {
            List<JsonNode> out = new ArrayList<>();
            for (String l : lines) {
                String payload = l.startsWith("data: ") ? l.substring(6) : l;
                if (!payload.equals("[DONE]")) {
                    out.add(Http.json(payload));
                }
            }
            return out;
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return CLIENT.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Polls until {@code path} answers {@code status} or the deadline passes. */
    static HttpResponse<String> awaitStatus(int port, String path, int status, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = get(port, path);
                if (r.statusCode() == status) {
                    return r;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no " + status + " from " + path + " within " + within, last);
    }
}
