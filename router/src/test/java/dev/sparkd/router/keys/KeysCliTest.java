package dev.sparkd.router.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import picocli.CommandLine;

/** {@code router keys …} against a stand-in admin API that records what it was sent. */
class KeysCliTest {
    final ObjectMapper mapper = new ObjectMapper();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    HttpServer admin;
    volatile int status = 200;

    @BeforeEach
    void start() throws Exception {
        admin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        admin.createContext("/api/v1/keys", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " " + body);
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            byte[] answer = "{\"id\":\"3f9a0c12\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        admin.start();
    }

    @AfterEach
    void stop() {
        admin.stop(0);
    }

    int keys(String... args) {
        CommandLine cli = new CommandLine(new KeysCli(URI.create("http://127.0.0.1:" + admin.getAddress().getPort()), "test-admin-token"));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    JsonNode sentBody() throws Exception {
        String r = requests.get(0);
        return mapper.readTree(r.substring(r.indexOf(' ', r.indexOf(' ') + 1) + 1));
    }

    @Test
    void aNameWithABackslashAndAQuoteIsSentAsValidJson() throws Exception {
        int code = keys("create", "a\\\"b\\", "--routes", "chat, coder", "--rpm", "60", "--daily", "1", "--monthly", "10", "--local-only");

        assertThat(code).isZero();
        assertThat(requests.get(0)).startsWith("POST /api/v1/keys ");
        JsonNode body = sentBody();
        assertThat(body.path("name").asText()).isEqualTo("a\\\"b\\");
        assertThat(body.path("routes")).isEqualTo(mapper.readTree("[\"chat\",\"coder\"]"));
        assertThat(body.path("rpm").asInt()).isEqualTo(60);
        assertThat(body.path("daily_usd").asDouble()).isEqualTo(1.0);
        assertThat(body.path("monthly_usd").asDouble()).isEqualTo(10.0);
        assertThat(body.path("local_only").asBoolean()).isTrue();
        assertThat(out.toString()).contains("3f9a0c12");
        assertThat(err.toString()).contains("shown once");
        assertThat(authorizations).containsExactly("Bearer test-admin-token");
    }

    @Test
    void onlyTheGivenOptionsAreSent() throws Exception {
        assertThat(keys("create", "laptop")).isZero();

        assertThat(sentBody()).isEqualTo(mapper.readTree("{\"name\":\"laptop\"}"));
    }

    @Test
    void listAndRevoke() {
        assertThat(keys("list")).isZero();
        assertThat(keys("revoke", "3f9a0c12")).isZero();

        assertThat(requests).containsExactly("GET /api/v1/keys ", "DELETE /api/v1/keys/3f9a0c12 ");
    }

    @Test
    void aRefusalAndBadUsageHaveTheirExitCodes() {
        status = 400;
        assertThat(keys("create", "bad name")).isEqualTo(1);
        assertThat(keys()).isEqualTo(2);
        assertThat(keys("create")).isEqualTo(2);
        assertThat(keys("create", "x", "--rpm", "many")).isEqualTo(2);
        assertThat(keys("rotate")).isEqualTo(2);
        assertThat(requests).hasSize(1);
    }
}
