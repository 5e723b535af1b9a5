package dev.sparkd.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

class SseFramerTest {
    @Test
    void splitsEventsAtAnyChunkBoundaryWithoutChangingBytes() {
        String stream = "data: {\"a\":1}\n\n: keep-alive\n\nevent: x\r\ndata: y\r\n\r\ndata: [DONE]\n\n";
        for (int cut = 1; cut < stream.length(); cut++) {
            SseFramer f = new SseFramer();
            List<String> events = new ArrayList<>();
            f.feed(Buffer.buffer(stream.substring(0, cut)), e -> events.add(e.toString()));
            f.feed(Buffer.buffer(stream.substring(cut)), e -> events.add(e.toString()));
            assertThat(String.join("", events)).as("cut at " + cut).isEqualTo(stream);
            assertThat(events).as("cut at " + cut).hasSize(4);
            assertThat(f.pendingBytes()).isZero();
        }
    }

    @Test
    void readsDataAndEventNames() {
        assertThat(SseFramer.data(Buffer.buffer("data: a\ndata: b\n\n"))).isEqualTo("a\nb");
        assertThat(SseFramer.data(Buffer.buffer(": comment\n\n"))).isNull();
        assertThat(SseFramer.name(Buffer.buffer("event: message_start\r\ndata: {}\r\n\r\n"))).isEqualTo("message_start");
    }
}
