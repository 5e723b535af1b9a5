package dev.sparkd.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkd.core.config.ConfigException;
import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.SectionSchema;

/** The routing-policy keys of issue 17: what they read as, and what the checker refuses. */
class RouterSchemaTest {
    static final String SERVICES = """
            [hosts.spark-1]
            address = "127.0.0.1"

            [services.vllm-1]
            kind = "vllm"
            host = "spark-1"

            [services.llama]
            kind = "llamacpp"
            host = "spark-1"

            """;

    @TempDir
    Path dir;

    RouterSettings load(String router) throws IOException {
        Path file = dir.resolve("sparkd.toml");
        Files.writeString(file, SERVICES + router);
        List<SectionSchema<?>> schemas = List.of(new RouterSchema());
        return ConfigLoader.load(file, schemas).section(RouterSettings.class);
    }

    String problems(String router) throws IOException {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(router));
        assertThat(e).as("the config should be refused").isNotNull();
        return e.getMessage() + e.problems();
    }

    @Test
    void defaultsCostNothingAndPoliciesReadAsWritten() throws IOException {
        RouterSettings s = load("""
                [router.backends.llama]
                max_in_flight = 2

                [router.routes.plain]
                targets = ["vllm-1"]

                [router.routes.chat]
                targets = ["vllm-1", "llama"]
                strategy = "sticky"
                when_full = "queue"
                queue_size = 4
                queue_timeout = "2s"
                cache_ttl = "30s"
                cache_max_bytes = "1MiB"

                [router.idempotency]
                window = "1h"
                max_bytes = 0
                """);
        RouterSettings.Route plain = s.routes().get("plain");
        assertThat(plain.cache()).isNull();
        assertThat(plain.whenFull()).isEqualTo(RouterSettings.WhenFull.NEXT);
        assertThat(plain.sticky()).isFalse();
        RouterSettings.Route chat = s.routes().get("chat");
        assertThat(chat.sticky()).isTrue();
        assertThat(chat.whenFull()).isEqualTo(RouterSettings.WhenFull.QUEUE);
        assertThat(chat.queueSize()).isEqualTo(4);
        assertThat(chat.queueTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(chat.cache()).isEqualTo(new RouterSettings.Cache(Duration.ofSeconds(30), 1 << 20, false));
        assertThat(s.maxInFlight()).containsEntry("llama", 2).doesNotContainKey("vllm-1");
        assertThat(s.idempotency()).isEqualTo(new RouterSettings.Idempotency(Duration.ofHours(1), 0));
    }

    @Test
    void misplacedOrUnboundedPolicyKeysAreRefused() throws IOException {
        String p = problems("""
                [router.routes.a]
                targets = ["vllm-1"]
                strategy = "stiky"
                queue_size = 3
                cache_max_bytes = "1MiB"

                [router.routes.b]
                targets = ["vllm-1"]
                cache_ttl = "1m"
                cache_max_bytes = "1GiB"
                when_full = "drop"
                """);
        assertThat(p).contains("strategy").contains("sticky")
                .contains("queue_size: only read with when_full = \"queue\"")
                .contains("cache_max_bytes: the cache is off without `cache_ttl`")
                .contains("expected between 1KiB and 256MiB")
                .contains("when_full");
    }
}
