package dev.sparkd.router.replay;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.router.budget.Budgets;
import dev.sparkd.router.config.RouterSettings;
import dev.sparkd.router.metrics.RouterMetrics;
import dev.sparkd.router.target.Targets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;

/** What a repeated request gets: the idempotency states (409s included) and the cache's scoping, per API key. */
class ReplaysTest {
    static final byte[] BODY = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(UTF_8);
    static final byte[] OTHER = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"bye\"}]}".getBytes(UTF_8);

    @TempDir
    Path dir;
    Vertx vertx;
    Replays replays;
    SimpleMeterRegistry registry;
    RouterSettings.Route chat;
    RouterSettings.Route cached;

    @BeforeEach
    void setUp() throws IOException {
        vertx = Vertx.vertx();
        Path config = dir.resolve("sparkd.toml");
        Files.writeString(config, """
                [suite]
                state_dir = "state"

                [services.vllm-1]
                kind = "vllm"
                url = "http://127.0.0.1:1"

                [router.routes.chat]
                targets = ["vllm-1"]

                [router.routes.cached]
                targets = ["vllm-1"]
                cache_ttl = "1m"
                """);
        Targets targets = new Targets(vertx, ConfigLoader.load(config));
        RouterSettings settings = targets.settings();
        registry = new SimpleMeterRegistry();
        RouterMetrics metrics = new RouterMetrics(registry, targets, new Budgets(settings.budgets(), settings.prices(), Clock.systemUTC()), null);
        replays = new Replays(targets, metrics);
        chat = settings.routes().get("chat");
        cached = settings.routes().get("cached");
    }

    @AfterEach
    void tearDown() {
        vertx.close();
    }

    Replays.Decision idempotent(String keyId, String idempotencyKey, byte[] body) {
        assertThat(replays.applies(chat, idempotencyKey, false, false)).isTrue();
        return replays.decide(chat, "chat", keyId, idempotencyKey, false, body);
    }

    @Test
    void anIdempotencyKeyIsInFlightThenReplayedAndRefusedForAnotherBody() {
        assertThat(replays.applies(chat, null, false, false)).as("no header, no cache: nothing to do").isFalse();
        assertThat(replays.applies(chat, "k1", true, false)).as("streams are never replayed").isFalse();

        Replays.Decision first = idempotent("key-a", "k1", BODY);
        assertThat(first.kind()).isEqualTo(Replays.Kind.PROCEED);
        assertThat(idempotent("key-a", "k1", BODY).kind()).isEqualTo(Replays.Kind.IN_FLIGHT);
        assertThat(idempotent("key-a", "k1", OTHER).kind()).isEqualTo(Replays.Kind.KEY_REUSED);
        assertThat(idempotent("key-b", "k1", OTHER).kind()).as("another API key's keys are its own").isEqualTo(Replays.Kind.PROCEED);

        first.sink().answered(200, "{\"id\":\"c1\"}".getBytes(UTF_8), "vllm-1");
        Replays.Decision again = idempotent("key-a", "k1", BODY);
        assertThat(again.kind()).isEqualTo(Replays.Kind.REPLAY);
        assertThat(again.fromCache()).isFalse();
        assertThat(new String(again.answer().body(), UTF_8)).isEqualTo("{\"id\":\"c1\"}");
        assertThat(again.answer().target()).isEqualTo("vllm-1");
        assertThat(registry.get("sparkd_router_idempotent_repeats").tag("outcome", "replayed").counter().count()).isEqualTo(1);
        assertThat(registry.get("sparkd_router_idempotent_repeats").tag("outcome", "in_flight").counter().count()).isEqualTo(1);
    }

    @Test
    void aFailedRequestFreesItsKey() {
        idempotent("key-a", "k2", BODY).sink().answered(500, new byte[0], "vllm-1");
        assertThat(idempotent("key-a", "k2", BODY).kind()).isEqualTo(Replays.Kind.PROCEED);
        idempotent("key-a", "k3", BODY).sink().abandoned();
        assertThat(idempotent("key-a", "k3", OTHER).kind()).isEqualTo(Replays.Kind.PROCEED);
    }

    @Test
    void theCacheIsPerApiKeyAndSkipsLocalOnlyRequests() {
        assertThat(replays.applies(cached, null, false, true)).as("local-only: not without cache_local_only").isFalse();
        Replays.Decision miss = replays.decide(cached, "chat", "key-a", null, false, BODY);
        assertThat(miss.kind()).isEqualTo(Replays.Kind.PROCEED);
        miss.sink().answered(200, "{\"id\":\"c2\"}".getBytes(UTF_8), "vllm-1");
        Replays.Decision hit = replays.decide(cached, "chat", "key-a", null, false, BODY);
        assertThat(hit.kind()).isEqualTo(Replays.Kind.REPLAY);
        assertThat(hit.fromCache()).isTrue();
        assertThat(replays.decide(cached, "chat", "key-b", null, false, BODY).kind()).as("another key's cache").isEqualTo(Replays.Kind.PROCEED);
        assertThat(replays.decide(cached, "embeddings", "key-a", null, false, BODY).kind()).as("another endpoint").isEqualTo(Replays.Kind.PROCEED);
        assertThat(registry.get("sparkd_router_cache_lookups").tag("route", "cached").tag("result", "hit").counter().count()).isEqualTo(1);
        assertThat(replays.bytes()).isPositive().isLessThan(4096);
    }
}
