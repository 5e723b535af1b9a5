package dev.sparkd.models.engine;

import java.io.IOException;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkd.core.http.BackendHttp;
import dev.sparkd.core.http.BackendRequest;
import dev.sparkd.core.http.BackendResponse;
import dev.sparkd.core.http.JsonCodec;
import dev.sparkd.core.ollama.ModelName;
import io.vertx.mutiny.core.Vertx;

/**
 * Reads a tag's manifest from the Ollama registry: its SHA-256 is the digest {@code /api/tags} shows once pulled (Ollama
 * stores the manifest bytes verbatim), and its layer sizes are what a pull will download. Only for models of the
 * configured registry; others (hf.co/…) report nothing and are updated by pull-and-compare.
 */
public final class RegistryClient implements AutoCloseable {
    private static final String ACCEPT = "application/vnd.docker.distribution.manifest.v2+json";
    private final BackendHttp http;

    public RegistryClient(Vertx vertx, URI base) {
        this.http = new BackendHttp(vertx, base, Duration.ofSeconds(5));
    }

    /** What the registry says about a tag. */
    public record Remote(String digest, long size) {
    }

    /** Blocking (call on a worker): the remote manifest, or empty when it cannot be read. */
    public Optional<Remote> manifest(String name) {
        ModelName n = ModelName.parse(name);
        if (!n.host().equalsIgnoreCase(ModelName.DEFAULT_HOST)) {
            return Optional.empty();
        }
        try {
            BackendResponse resp = http.call(BackendRequest.get("/v2/" + n.namespace() + "/" + n.model() + "/manifests/" + n.tag())
                    .withHeader("Accept", ACCEPT), Duration.ofSeconds(20)).await().atMost(Duration.ofSeconds(30));
            if (!resp.ok()) {
                return Optional.empty();
            }
            byte[] bytes = resp.body().getBytes();
            JsonNode m = JsonCodec.mapper().readTree(bytes);
            long size = m.path("config").path("size").asLong(0);
            for (JsonNode l : m.path("layers")) {
                size += l.path("size").asLong(0);
            }
            return Optional.of(new Remote(sha256(bytes), size));
        } catch (RuntimeException | IOException e) {
            return Optional.empty();
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
