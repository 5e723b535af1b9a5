package dev.sparkd.simulator.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkd.simulator.config.SimConfig;

/** As in Ollama, a model's digest is the SHA-256 of the manifest bytes a registry serves for it. */
class ManifestTest {
    @Test
    void theDigestIsTheSha256OfTheServedManifestWithTheConfigApart() throws Exception {
        Manifest m = Manifest.of(SimConfig.parse("[sparks.spark-1]").ollamaLibrary().get("llama3.2:3b"));
        byte[] served = m.json().getBytes(StandardCharsets.UTF_8);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(served))).isEqualTo(m.digest());
        JsonNode json = new ObjectMapper().readTree(served);
        assertThat(json.path("config").path("digest").asText()).isEqualTo(m.layers().get(m.layers().size() - 1).digest());
        assertThat(json.path("layers")).hasSize(m.layers().size() - 1);
    }
}
