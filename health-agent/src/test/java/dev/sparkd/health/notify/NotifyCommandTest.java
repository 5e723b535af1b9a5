package dev.sparkd.health.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sparkd.core.config.ConfigException;
import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.testing.CommandRun;
import dev.sparkd.simulator.testing.SuiteToml;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/** {@code sparkd notify test}, and what the configuration check says about channels. */
class NotifyCommandTest {
    static final Path DIR = Path.of("target/notify-command-test").toAbsolutePath();
    static Vertx vertx;
    static HttpServer receiver;
    static final List<String> received = new CopyOnWriteArrayList<>();
    static int closedPort;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(DIR);
        vertx = Vertx.vertx();
        receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            received.add(req.method() + " " + req.path() + " " + req.getHeader("Title") + " " + b);
            req.response().end("{}");
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    static Path config(String channels) throws Exception {
        Path file = Files.createTempFile(DIR, "sparkd", ".toml");
        Files.writeString(file, SuiteToml.named("cmd-lab")
                .with("hosts.spark-1", "address = \"127.0.0.1\"")
                .service("ollama-1", "ollama", "spark-1", 11434) + channels);
        return file;
    }

    static CommandRun run(String... args) {
        return CommandRun.of((out, err) -> NotifyCommand.run(args, Map.of(), out, err));
    }

    String channels() {
        return """
                [health.notify.channels.phone]
                kind = "ntfy"
                server = "http://127.0.0.1:%d"
                topic = "cmd-test"
                [health.notify.channels.broken]
                kind = "webhook"
                url = "http://127.0.0.1:%d/hook"
                retries = 0
                """.formatted(receiver.actualPort(), closedPort);
    }

    @Test
    void sendsATestOnEachChannelAndNamesTheOneThatFailed() throws Exception {
        received.clear();
        CommandRun r = run("notify", "test", "--config", config(channels()).toString());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("✓ phone (ntfy, 127.0.0.1): delivered")
                .contains("✗ broken (webhook, 127.0.0.1): ").contains("check url");
        assertThat(received).singleElement().asString().startsWith("POST /cmd-test sparkd: test notification Test notification from sparkd");
    }

    @Test
    void aNamedChannelOnly() throws Exception {
        received.clear();
        CommandRun r = run("notify", "test", "--config", config(channels()).toString(), "phone");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo("✓ phone (ntfy, 127.0.0.1): delivered");
        assertThat(received).hasSize(1);
    }

    @Test
    void theOlderSingleWebhookIsAChannelNamedWebhook() throws Exception {
        received.clear();
        Path file = config("""
                [health.webhook]
                url = "http://127.0.0.1:%d/legacy-topic"
                format = "ntfy"
                """.formatted(receiver.actualPort()));
        CommandRun r = run("notify", "test", "--config", file.toString(), "webhook");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo("✓ webhook (ntfy, 127.0.0.1): delivered");
        assertThat(received).singleElement().asString().startsWith("POST /legacy-topic sparkd: test notification ");
    }

    @Test
    void anUnknownChannelOrNoneAtAllIsAConfigurationProblem() throws Exception {
        CommandRun unknown = run("notify", "test", "--config", config(channels()).toString(), "phnoe");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("no channel named \"phnoe\"").contains("phone");
        CommandRun none = run("notify", "test", "--config", config("").toString());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("no channels");
        assertThat(run("notify").code()).isEqualTo(2);
    }

    @Test
    void channelMistakesAreReportedAtOnceWithFixes() throws Exception {
        Path file = config("""
                [health.notify]
                on = ["DOWN", "SLOW"]
                [health.notify.channels.room]
                kind = "matrix"
                homeserver = "https://matrix.example.org"
                room = "#ops:example.org"
                token_env = "MATRIX_TOKEN"
                [health.notify.channels.chat]
                kind = "webhook"
                url = "https://chat.example.org/hook"
                template = '{"text": "{{mesage}}"}'
                services = ["olama-1"]
                [health.notify.channels.phone]
                kind = "ntfy"
                topic = "sparks"
                token = "tk_inline"
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file)).isInstanceOfSatisfying(ConfigException.class, e -> {
            List<String> problems = e.problems().stream().map(p -> p.keyPath() + ": " + p.message() + " | " + p.hint()).toList();
            assertThat(problems).as(String.join("\n", problems)).anyMatch(p -> p.startsWith("health.notify.on: \"SLOW\" is not a state"));
            assertThat(problems).anyMatch(p -> p.startsWith("health.notify.channels.room.room: not a Matrix room id"));
            assertThat(problems).anyMatch(p -> p.startsWith("health.notify.channels.room.token_env: notification tokens are read from a file only"));
            assertThat(problems).anyMatch(p -> p.startsWith("health.notify.channels.chat.template: unknown placeholder {{mesage}}")
                    && p.contains("message"));
            assertThat(problems).anyMatch(p -> p.startsWith("health.notify.channels.chat.services: no service named \"olama-1\""));
            assertThat(problems).anyMatch(p -> p.startsWith("health.notify.channels.phone.token: secrets are not written inline"));
        });
    }
}
