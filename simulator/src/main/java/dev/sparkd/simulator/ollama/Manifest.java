package dev.sparkd.simulator.ollama;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.simulator.config.OllamaModelSpec;
import dev.sparkd.simulator.http.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A model's registry manifest, derived deterministically from its spec. As in Ollama, the model's {@code digest}
 * (what /api/tags shows) is the SHA-256 of the manifest bytes, so publishing a new revision of a tag changes the
 * weights' blob digest and therefore the manifest digest, while template/license/params blobs stay shared.
 *
 * Two tags of the same content (llama3.2:latest and llama3.2:3b) get the same manifest and digest, as on ollama.com.
 *
 * @param layers every blob to download, the config last (server/images.go appends mf.Config after mf.Layers)
 */
public record Manifest(String digest, List<Layer> layers) {
    private static final long TEMPLATE = 1_429;
    private static final long LICENSE = 7_711;
    private static final long PARAMS = 96;
    private static final long CONFIG = 561;

    public static Manifest of(OllamaModelSpec spec) {
        List<Layer> layers = new ArrayList<>();
        long small = spec.embeddingOnly() ? PARAMS + CONFIG : TEMPLATE + LICENSE + PARAMS + CONFIG;
        long weights = Math.max(1, spec.size() - small);
        String base = spec.name().substring(0, spec.name().lastIndexOf(':'));
        layers.add(new Layer("application/vnd.ollama.image.model",
                sha("weights|" + base + "|" + spec.parameterSize() + "|" + spec.quantization() + "|" + spec.revision() + "|" + weights), weights));
        if (!spec.embeddingOnly()) {
            layers.add(new Layer("application/vnd.ollama.image.template", sha("template|" + spec.family()), TEMPLATE));
            layers.add(new Layer("application/vnd.ollama.image.license", sha("license|" + spec.family()), LICENSE));
        }
        layers.add(new Layer("application/vnd.ollama.image.params", sha("params|" + spec.family()), PARAMS));
        Layer config = new Layer("application/vnd.docker.container.image.v1+json",
                sha("config|" + base + "|" + spec.revision() + "|" + spec.family() + "|" + spec.parameterSize()), CONFIG);
        layers.add(config);
        return new Manifest(sha(json(layers)).substring(7), List.copyOf(layers));
    }

    /** The manifest as a registry serves it ({@code GET /v2/<name>/manifests/<tag>}); its SHA-256 is {@link #digest()}. */
    public String json() {
        return json(layers);
    }

    private static String json(List<Layer> layers) {
        ObjectNode m = Json.object();
        m.put("schemaVersion", 2);
        m.put("mediaType", "application/vnd.docker.distribution.manifest.v2+json");
        m.set("config", layerJson(layers.get(layers.size() - 1)));
        ArrayNode arr = m.putArray("layers");
        layers.subList(0, layers.size() - 1).forEach(l -> arr.add(layerJson(l)));
        return Json.write(m);
    }

    public long size() {
        return layers.stream().mapToLong(Layer::size).sum();
    }

    private static ObjectNode layerJson(Layer l) {
        ObjectNode o = Json.object();
        o.put("mediaType", l.mediaType());
        o.put("digest", l.digest());
        o.put("size", l.size());
        return o;
    }

    static String sha(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
