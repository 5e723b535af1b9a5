package dev.sparkd.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.router.config.RouterSchema;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Connections and request bodies are bounded. Half-open connections are dropped after the header timeout (2 s in
 * tests, {@code sparkd.http.header-timeout}) while the daemon keeps answering; a request in flight may wait longer.
 * Request bodies are bounded while they are read: an 80 MB body (on main it ran the router's 64 MB heap out and the
 * daemon exited) is refused with 413 in OpenAI's shape whether it declares its length or comes chunked, and the router
 * goes on answering.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatorResource.class)
class RequestLimitsTest {
    static final long EIGHTY_MB = 80L * 1000 * 1000;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    final ObjectMapper mapper = new ObjectMapper();

    static URI chat() {
        return URI.create("http://127.0.0.1:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class)
                + "/v1/chat/completions");
    }

    /** A chat request whose one message is {@code size} bytes in all, generated as it is sent (never held here). */
    static InputStream hugeChat(long size) {
        byte[] head = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\"}]}".getBytes(StandardCharsets.US_ASCII);
        return new InputStream() {
            long pos;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - pos);
                for (int i = 0; i < n; i++, pos++) {
                    b[off + i] = pos < head.length ? head[(int) pos] : pos >= size - tail.length ? tail[(int) (pos - (size - tail.length))] : (byte) 'x';
                }
                return n;
            }
        };
    }

    HttpResponse<String> send(HttpRequest.BodyPublisher body) throws Exception {
        return http.send(HttpRequest.newBuilder(chat()).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .header("X-Request-Id", "too-large-1").POST(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    void assertTooLarge(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).isEqualTo(413);
        JsonNode error = mapper.readTree(r.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("request_too_large");
        assertThat(error.path("message").asText()).contains(Long.toString(RouterSchema.DEFAULT_MAX_REQUEST_BYTES), "max_request_size");
        assertThat(error.path("request_id").asText()).isEqualTo("too-large-1");
        assertStillServing();
    }

    void assertStillServing() throws Exception {
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(chat()).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+2?\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void an80MegabyteBodyWithItsLengthIs413() throws Exception {
        assertTooLarge(send(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> hugeChat(EIGHTY_MB)),
                EIGHTY_MB)));
    }

    @Test
    void an80MegabyteChunkedBodyIs413() throws Exception {
        // no Content-Length: the limit holds while the chunks arrive
        assertTooLarge(send(HttpRequest.BodyPublishers.ofInputStream(() -> hugeChat(EIGHTY_MB))));
    }

    @Test
    void aBodyJustUnderTheLimitIsRead() throws Exception {
        long size = RouterSchema.DEFAULT_MAX_REQUEST_BYTES - 1024;
        HttpResponse<String> r = send(HttpRequest.BodyPublishers.ofInputStream(() -> hugeChat(size)));
        // read whole and handed on (what the simulated model makes of 16 MB of 'x' is its business)
        assertThat(r.statusCode()).as(r.body()).isNotEqualTo(413);
        assertThat(mapper.readTree(r.body()).isObject()).isTrue();
    }

    static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    @Test
    void twoThousandHalfOpenConnectionsAreDroppedAfterTheHeaderTimeoutWhileHealthAnswers() throws Exception {
        List<Socket> halfOpen = new ArrayList<>();
        try {
            for (int i = 0; i < 2000; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port()), 5000);
                OutputStream out = s.getOutputStream();
                // headers begun, never finished
                out.write("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                halfOpen.add(s);
            }
            long t0 = System.nanoTime();
            HttpClient health = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI live = URI.create("http://127.0.0.1:" + port() + "/q/health/live");
            health.send(HttpRequest.newBuilder(live).build(), HttpResponse.BodyHandlers.ofString()); // the connection
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                HttpResponse<String> r = health.send(HttpRequest.newBuilder(live).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("liveness with 2,000 half-open connections")
                        .isLessThan(Duration.ofMillis(100));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("checked before the header timeout").isLessThan(Duration.ofSeconds(2));
            // every one is closed by the daemon once the header timeout has passed
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            for (Socket s : halfOpen) {
                s.setSoTimeout((int) Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
                assertThat(closedByPeer(s)).as("dropped after the header timeout").isTrue();
            }
        } finally {
            for (Socket s : halfOpen) {
                s.close();
            }
        }
        assertStillServing();
    }

    static boolean closedByPeer(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Test
    void aRequestInFlightMayWaitLongerThanTheHeaderTimeout() throws Exception {
        // the model takes 3.5 s to answer, the connection is silent meanwhile: past the 2 s header timeout
        SimulatorResource.sim.control().setFault("ollama-1", Fault.of(FaultType.SLOW, "delay_ms", 3500));
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/v1/embeddings"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"embed\",\"input\":\"hello\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        } finally {
            SimulatorResource.sim.control().clearFaults("ollama-1");
        }
    }

    @Test
    void bodiesBeyondTheBufferBudgetAre503UntilTheOthersAreDone() throws Exception {
        // two bodies of 4 MB declared and half sent hold the whole budget (8 MiB, max_buffered_size)
        List<Socket> holders = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket s = new Socket("127.0.0.1", port());
                s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 4000000\r\n\r\n{\"model\":\"chat\",\"messages\":[").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                holders.add(s);
            }
            Thread.sleep(300);
            HttpResponse<String> busy = send(HttpRequest.BodyPublishers.ofInputStream(() -> hugeChat(1_000_000)));
            assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
            assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(mapper.readTree(busy.body()).path("error").path("code").asText()).isEqualTo("server_busy");
        } finally {
            for (Socket s : holders) {
                s.close();
            }
        }
        // the abandoned bodies gave their bytes back
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        HttpResponse<String> r;
        do {
            Thread.sleep(100);
            r = send(HttpRequest.BodyPublishers.ofInputStream(() -> hugeChat(1_000_000)));
        } while (r.statusCode() == 503 && System.nanoTime() < deadline);
        assertThat(r.statusCode()).as(r.body()).isNotIn(503, 413);
    }
}
