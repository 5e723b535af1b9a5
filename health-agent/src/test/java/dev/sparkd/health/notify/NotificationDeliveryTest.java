package dev.sparkd.health.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.health.config.HealthSettings;
import dev.sparkd.health.fleet.FiguresChanged;
import dev.sparkd.health.fleet.Fleet;
import dev.sparkd.health.fleet.FleetEvents;
import dev.sparkd.health.fleet.ServiceMonitor;
import dev.sparkd.health.fleet.ServiceStateChanged;
import dev.sparkd.health.handshake.Handshake;
import dev.sparkd.health.telemetry.HostStatus;
import dev.sparkd.health.telemetry.Telemetry;
import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import dev.sparkd.simulator.testing.SimToml;
import dev.sparkd.simulator.testing.SshSparks;
import dev.sparkd.simulator.testing.SuiteToml;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServer;
import io.vertx.mutiny.core.Vertx;

/**
 * The acceptance check of notifications: with a DOWN injected through the simulator's fault API, each channel's local
 * receiver (a real HTTP server speaking that channel's API) gets exactly one alert, and exactly one "resolved" once
 * the fault is cleared; a models disk filled past 80 % alerts once and resolves once.
 */
class NotificationDeliveryTest {
    static final Path DIR = Path.of("target/notification-delivery-test").toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();
    static Simulator sim;
    static Vertx vertx;
    static HttpServer receiver;
    static final List<Received> received = new CopyOnWriteArrayList<>();

    record Received(String method, String path, MultiMap headers, String body) {
    }

    @BeforeAll
    static void start() throws Exception {
        sim = SshSparks.start(DIR, """
                [ollama.library."llama3.2:3b"]
                load_delay = "10ms"
                [sparks.spark-1]
                disk_total = "1TB"
                disk_used = "100GB"
                models_path = "/srv/models"
                """
                + SimToml.service("spark-1", "ollama-1", "ollama", "models = [\"llama3.2:3b\"]"));
        vertx = Vertx.vertx();
        // One receiver for all three channels: ntfy, Matrix and the webhook each have their own path.
        receiver = vertx.getDelegate().createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            received.add(new Received(req.method().name(), req.path(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
                    b.toString()));
            boolean matrix = req.path().startsWith("/_matrix/");
            req.response().putHeader("Content-Type", "application/json")
                    .end(matrix ? "{\"event_id\":\"$ev" + received.size() + "\"}" : "{\"id\":\"x\"}");
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        Files.writeString(DIR.resolve("matrix-token"), "syt_matrix_secret\n");
        Files.writeString(DIR.resolve("ntfy-token"), "tk_ntfysecret\n");
    }

    @AfterEach
    void clear() {
        sim.control().clearFaults("ollama-1");
        received.clear();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        vertx.closeAndAwait();
        sim.close();
    }

    SuiteConfig config() {
        String base = "http://127.0.0.1:" + receiver.actualPort();
        return ConfigLoader.load(SuiteToml.of("notify-lab", sim)
                .with("hosts.spark-1", "models_dirs = [\"/srv/models\"]")
                .with("health", """
                        timeout = "2s"
                        failure_threshold = 1
                        """)
                .with("health.notify.channels.phone", """
                        kind = "ntfy"
                        server = "%s"
                        topic = "sparks-test"
                        token_file = "ntfy-token"
                        """.formatted(base))
                .with("health.notify.channels.room", """
                        kind = "matrix"
                        homeserver = "%s"
                        room = "!ops:lab.example"
                        token_file = "matrix-token"
                        """.formatted(base))
                .with("health.notify.channels.chat", """
                        kind = "webhook"
                        url = "%s/hooks/chat"
                        template = '{"text": "{{title}}: {{message}}", "event": "{{event}}", "service": "{{service}}"}'
                        hosts = ["spark-1"]
                        """.formatted(base))
                .write(DIR.resolve("sparkd.toml")));
    }

    @Test
    void anInjectedDownReachesEachChannelOnceAndItsRecoveryOnce() throws Exception {
        SuiteConfig config = config();
        HealthSettings settings = config.section(HealthSettings.class);
        try (Notifications notifications = new Notifications(vertx.getDelegate(), settings, "notify-lab", (c, o) -> { }, Duration.ofMillis(50));
                Handshake handshake = new Handshake(vertx.getDelegate(), settings);
                Fleet fleet = new Fleet(vertx, config, settings, handshake, events(notifications), s -> java.util.Optional.empty(),
                        Instant.now())) {
            ServiceMonitor ollama = fleet.monitor("ollama-1").orElseThrow();
            probeUntil(ollama, "UP");
            Thread.sleep(300);
            assertThat(received).as("a service UP at start is not news").isEmpty();

            sim.control().setFault("ollama-1", Fault.of(FaultType.DOWN));
            sim.control().settled("ollama-1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            probeUntil(ollama, "DOWN");
            ollama.probeOnce().await().atMost(Duration.ofSeconds(10)); // still down: no second alert
            await(() -> received.size() >= 3);
            Thread.sleep(300);
            assertThat(received).hasSize(3);
            assertAlert("DOWN");

            received.clear();
            sim.control().clearFaults("ollama-1");
            probeUntil(ollama, "UP");
            ollama.probeOnce().await().atMost(Duration.ofSeconds(10));
            await(() -> received.size() >= 3);
            Thread.sleep(300);
            assertThat(received).hasSize(3);
            assertResolved();
        }
    }

    @Test
    void aModelsDiskPastTheWarningLevelAlertsOnceAndResolvesOnce() throws Exception {
        SuiteConfig config = config();
        HealthSettings settings = config.section(HealthSettings.class);
        var disk = sim.spark("spark-1").disk();
        try (Notifications notifications = new Notifications(vertx.getDelegate(), settings, "notify-lab", (c, o) -> { }, Duration.ofMillis(50));
                Telemetry telemetry = new Telemetry(Runnable::run, config, notifications::hostChecked)) {
            assertThat(collect(telemetry).state()).isEqualTo("UP");
            long fill = (long) (disk.total() * 0.9) - disk.used();
            assertThat(disk.allocate(fill)).isTrue();
            try {
                HostStatus full = collect(telemetry);
                assertThat(full.state()).isEqualTo("DEGRADED");
                assertThat(full.warnings()).containsExactly("disk /srv/models is 90% full");
                collect(telemetry); // still full: no second alert
                await(() -> received.size() >= 3);
                Thread.sleep(300);
                assertThat(received).hasSize(3);
                Received chat = one("/hooks/chat");
                JsonNode body = JSON.readTree(chat.body());
                assertThat(body.path("event").asText()).isEqualTo("alert");
                assertThat(body.path("text").asText()).startsWith("sparkd: disk spark-1:/srv/models nearly full: disk spark-1:/srv/models "
                        + "is nearly full: 90% used, ").endsWith(" (warning at 80%)");
                assertThat(one("/sparks-test").headers().get("Tags")).isEqualTo("warning");
            } finally {
                disk.release(fill);
            }
            received.clear();
            assertThat(collect(telemetry).state()).isEqualTo("UP");
            await(() -> received.size() >= 3);
            Thread.sleep(300);
            assertThat(received).hasSize(3);
            assertThat(JSON.readTree(one("/hooks/chat").body()).path("event").asText()).isEqualTo("resolved");
        }
    }

    private void assertAlert(String state) throws Exception {
        Received ntfy = one("/sparks-test");
        assertThat(ntfy.method()).isEqualTo("POST");
        assertThat(ntfy.headers().get("Title")).isEqualTo("sparkd: ollama-1 " + state);
        assertThat(ntfy.headers().get("Priority")).isEqualTo("high");
        assertThat(ntfy.headers().get("Tags")).isEqualTo("rotating_light");
        assertThat(ntfy.headers().get("Authorization")).isEqualTo("Bearer tk_ntfysecret");
        assertThat(ntfy.body()).startsWith("ollama-1 is DOWN: connection refused").endsWith("(was UP)");

        Received matrix = received.stream().filter(r -> r.path().startsWith("/_matrix/")).findFirst().orElseThrow();
        assertThat(matrix.method()).isEqualTo("PUT");
        assertThat(matrix.path()).matches("/_matrix/client/v3/rooms/%21ops%3Alab\\.example/send/m\\.room\\.message/sparkd-[-0-9a-f]{36}");
        assertThat(matrix.headers().get("Authorization")).isEqualTo("Bearer syt_matrix_secret");
        JsonNode m = JSON.readTree(matrix.body());
        assertThat(m.path("msgtype").asText()).isEqualTo("m.text");
        assertThat(m.path("body").asText()).startsWith("sparkd: ollama-1 DOWN\nollama-1 is DOWN: connection refused");

        Received chat = one("/hooks/chat");
        assertThat(chat.headers().get("Content-Type")).isEqualTo("application/json");
        assertThat(chat.headers().get("Authorization")).isNull();
        JsonNode c = JSON.readTree(chat.body());
        assertThat(c.path("event").asText()).isEqualTo("alert");
        assertThat(c.path("service").asText()).isEqualTo("ollama-1");
        assertThat(c.path("text").asText()).startsWith("sparkd: ollama-1 DOWN: ollama-1 is DOWN: connection refused");
    }

    private void assertResolved() throws Exception {
        Received ntfy = one("/sparks-test");
        assertThat(ntfy.headers().get("Title")).isEqualTo("sparkd: ollama-1 resolved");
        assertThat(ntfy.headers().get("Priority")).isEqualTo("default");
        assertThat(ntfy.headers().get("Tags")).isEqualTo("white_check_mark");
        assertThat(ntfy.body()).startsWith("ollama-1 is UP again, resolved after ");
        Received matrix = received.stream().filter(r -> r.path().startsWith("/_matrix/")).findFirst().orElseThrow();
        assertThat(JSON.readTree(matrix.body()).path("body").asText()).startsWith("sparkd: ollama-1 resolved\nollama-1 is UP again");
        assertThat(JSON.readTree(one("/hooks/chat").body()).path("event").asText()).isEqualTo("resolved");
    }

    private static Received one(String path) {
        List<Received> at = received.stream().filter(r -> r.path().equals(path)).toList();
        assertThat(at).as("requests to " + path).hasSize(1);
        return at.get(0);
    }

    private static FleetEvents events(Notifications notifications) {
        return new FleetEvents() {
            @Override
            public void stateChanged(ServiceStateChanged event) {
                notifications.serviceChanged(event.status(), event.change());
            }

            @Override
            public void figuresChanged(FiguresChanged event) {
            }
        };
    }

    private static HostStatus collect(Telemetry telemetry) {
        HostStatus s = telemetry.collect("spark-1").await().atMost(Duration.ofSeconds(20));
        assertThat(s.ok()).as(s.reason()).isTrue();
        return s;
    }

    private static void probeUntil(ServiceMonitor m, String state) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < until) {
            if (state.equals(m.probeOnce().await().atMost(Duration.ofSeconds(10)).state())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("ollama-1 never " + state + ": " + m.status());
    }

    static void await(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(done.getAsBoolean()).as("received: " + received).isTrue();
    }
}
