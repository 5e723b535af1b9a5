package dev.sparkd.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkd.router.anthropic.AnthropicStream;
import io.vertx.core.buffer.Buffer;

/** What the client receives for an upstream stream, whatever the chunking. */
class StreamRelayTest {
    final ObjectMapper mapper = new ObjectMapper();

    static final String CHUNK = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"h\\u00e9\"}}],\"usage\":null}\r\n\r\n";
    static final String USAGE = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}\n\n";
    static final String DONE = "data: [DONE]\n\n";

    /** Relays {@code stream} cut into pieces of {@code size} bytes; returns what the client got. */
    String relay(StreamRelay relay, String stream, int size) {
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        Buffer client = Buffer.buffer();
        for (int i = 0; i < bytes.length; i += size) {
            Buffer out = Buffer.buffer();
            String error = relay.relay(Buffer.buffer(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size))), out,
                    client.length() > 0);
            client.appendBuffer(out);
            if (error != null) {
                return client + "<error:" + error + ">";
            }
        }
        return client.toString();
    }

    @Test
    void openAiEventsPassByteForByteAndTheUsageChunkOnlyTheRouterAskedForIsDropped() {
        for (int size = 1; size <= 40; size++) {
            StreamRelay relay = new StreamRelay(mapper, false, null);
            String got = relay(relay, ": hello\n\n" + CHUNK + ": keep-alive\n\n" + USAGE + DONE, size);
            // the comment before any data is not sent (the stream is not the client's yet); the one after is
            assertThat(got).as("pieces of %d", size).isEqualTo(CHUNK + ": keep-alive\n\n" + DONE);
            assertThat(relay.done()).isTrue();
            assertThat(relay.promptTokens()).isEqualTo(7);
            assertThat(relay.completionTokens()).isEqualTo(3);
        }
    }

    @Test
    void theUsageChunkIsKeptWhenTheClientAskedForIt() {
        StreamRelay relay = new StreamRelay(mapper, true, null);

        assertThat(relay(relay, CHUNK + USAGE + DONE, 7)).isEqualTo(CHUNK + USAGE + DONE);
        assertThat(relay.completionTokens()).isEqualTo(3);
    }

    @Test
    void anErrorInsideTheStreamStopsTheRelay() {
        StreamRelay relay = new StreamRelay(mapper, false, null);

        String got = relay(relay, CHUNK + "data: {\"error\":{\"message\":\"out of memory\"}}\n\n" + CHUNK + DONE, 1000);

        assertThat(got).endsWith("<error:out of memory>");
        assertThat(relay.done()).isFalse();
    }

    @Test
    void aStreamWithoutDoneIsNotDone() {
        StreamRelay relay = new StreamRelay(mapper, false, null);

        relay(relay, CHUNK + "data: {\"partial", 5);

        assertThat(relay.done()).isFalse();
    }

    @Test
    void anAnthropicStreamIsRebuiltAndEndsWithDone() {
        StreamRelay relay = new StreamRelay(mapper, false, new AnthropicStream("route", false, mapper));
        String stream = """
                event: message_start
                data: {"type":"message_start","message":{"id":"m1","model":"claude-x","usage":{"input_tokens":4,"output_tokens":1}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"4"}}

                event: ping
                data: {"type":"ping"}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}

                event: message_stop
                data: {"type":"message_stop"}

                """;

        String got = relay(relay, stream, 9);

        assertThat(got).startsWith("data: {\"id\":\"chatcmpl-m1\"").contains("\"content\":\"4\"").contains("\"finish_reason\":\"stop\"")
                .endsWith("}\n\ndata: [DONE]\n\n");
        assertThat(got.split("\n\n")).hasSize(4); // role, text, finish, [DONE]
        assertThat(relay.promptTokens()).isEqualTo(4);
        assertThat(relay.completionTokens()).isEqualTo(2);
    }
}
