package dev.sparkd.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkd.core.config.ConfigException;
import dev.sparkd.core.config.ConfigLoader;

/** The checker keeps speech and rerank routes on local targets. */
class RouteKindTest {
    @TempDir
    Path dir;

    static final String SERVICES = """
            [suite]
            name = "lab"

            [hosts.spark-1]
            address = "127.0.0.1"

            [services.whisper]
            kind = "vllm"
            host = "spark-1"
            port = 8000

            [services.cloud]
            kind = "openai"
            url = "https://api.openai.com"
            api_key_file = "key"

            """;

    RouterSettings load(String routes) throws Exception {
        Path file = dir.resolve("sparkd.toml");
        Files.writeString(file, SERVICES + routes);
        Files.writeString(dir.resolve("key"), "sk-test");
        return ConfigLoader.load(file).section(RouterSettings.class);
    }

    @Test
    void aCloudTargetOnAnAudioOrRerankRouteIsRefused() {
        for (String kind : new String[] {"audio", "rerank"}) {
            assertThatThrownBy(() -> load("""
                    [router.routes.speech]
                    kind = "%s"
                    targets = ["whisper", "cloud:whisper-1"]
                    """.formatted(kind))).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("a " + kind + " route sends only to local targets, and \"cloud:whisper-1\" is not local");
        }
    }

    @Test
    void kindDefaultsToChatAndMustBeKnown() throws Exception {
        RouterSettings s = load("""
                [router.routes.chat]
                targets = ["whisper", "cloud:gpt-4.1-mini"]

                [router.routes.speech]
                kind = "audio"
                targets = ["whisper"]
                """);
        assertThat(s.routes().get("chat").kind()).isEqualTo(RouterSettings.Kind.CHAT);
        assertThat(s.routes().get("speech").kind()).isEqualTo(RouterSettings.Kind.AUDIO);
        assertThatThrownBy(() -> load("""
                [router.routes.speech]
                kind = "speech"
                targets = ["whisper"]
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("kind");
    }
}
