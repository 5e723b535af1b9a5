package dev.sparkd.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
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
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
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
}
