package dev.sparkd.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

class SseParserTest {

    private static List<SseEvent> parse(String text) {
        return new SseParser().feed(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void openAiChunksUsageAndDone() {
        // Wire shape of an OpenAI chat completions stream with stream_options.include_usage
        // (openai/openai-node src/resources/chat/completions/completions.ts, ChatCompletionStreamOptions).
        List<SseEvent> events = parse("""
                data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"usage":null}

                data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}

                data: [DONE]

                """);

        assertThat(events).hasSize(3);
        assertThat(events.get(0).event()).isEqualTo("message");
        assertThat(events.get(1).data()).contains("\"total_tokens\":11");
        assertThat(events.get(2).isDone()).isTrue();
        assertThat(events.get(0).isDone()).isFalse();
    }

    @Test
    void multiLineDataCommentsEventNamesIdsAndRetry() {
        List<SseEvent> events = parse("""
                : keep-alive comment
                event: message_start
                id: 7
                retry: 1500
                data: first line
                data:second line
                data:  two leading spaces, one kept

                data
                
                event: ping
                
                """);

        assertThat(events).hasSize(2);
        SseEvent start = events.get(0);
        assertThat(start.event()).isEqualTo("message_start");
        assertThat(start.id()).isEqualTo("7");
        assertThat(start.retryMillis()).isEqualTo(1500L);
        assertThat(start.data()).isEqualTo("first line\nsecond line\n two leading spaces, one kept");
        // "data" without a colon is a data field with an empty value; the id sticks to later events.
        assertThat(events.get(1).data()).isEmpty();
        assertThat(events.get(1).id()).isEqualTo("7");
        assertThat(events.get(1).retryMillis()).isNull();
    }

    @Test
    void crLfAndLoneCrEndLines() {
        assertThat(parse("data: a\r\n\r\ndata: b\r\rdata: c\n\n")).extracting(SseEvent::data).containsExactly("a", "b", "c");
    }

    @Test
    void byteOrderMarkAndUnterminatedEventAreHandledLikeTheSpec() {
        SseParser parser = new SseParser();

        List<SseEvent> events = parser.feed("\uFEFFdata: x\n\ndata: never finished\n".getBytes(StandardCharsets.UTF_8));

        assertThat(events).extracting(SseEvent::data).containsExactly("x");
        assertThat(parser.hasPartialEvent()).isTrue();
    }

    @Test
    void everySplitPointGivesTheSameEvents() {
        String text = "event: delta\r\ndata: {\"text\":\"héllo 🦙\"}\r\n\r\n: c\r\ndata: line1\rdata: line2\r\r\ndata: [DONE]\n\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<SseEvent> expected = parse(text);
        assertThat(expected).extracting(SseEvent::data)
                .containsExactly("{\"text\":\"héllo 🦙\"}", "line1\nline2", "[DONE]");
        Splits.everyThreeWay(bytes, (chunks, cut) -> {
            SseParser parser = new SseParser();
            List<SseEvent> events = new ArrayList<>();
            chunks.forEach(chunk -> events.addAll(parser.feed(chunk)));
            assertThat(events).as(cut).isEqualTo(expected);
        });
    }

    @Test
    void blocksAreHandedOverByteForByteAtEverySplitPoint() {
        // what the router relays: comments and keep-alives too, CRLF and lone-CR endings untouched
        String text = "data: {\"a\":1}\n\n: keep-alive\n\nevent: x\r\ndata: y\r\n\r\ndata: z\r\rdata: [DONE]\n\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Splits.everyThreeWay(bytes, (chunks, cut) -> {
            SseParser parser = new SseParser();
            StringBuilder relayed = new StringBuilder();
            List<String> blocks = new ArrayList<>();
            List<String> data = new ArrayList<>();
            SseParser.Handler handler = (event, buf, start, end) -> {
                String block = buf.getString(start, end);
                relayed.append(block);
                blocks.add(block);
                data.add(event == null ? null : event.event() + "=" + event.data());
            };
            chunks.forEach(chunk -> parser.feed(Buffer.buffer(chunk), handler));
            assertThat(relayed.toString()).as(cut).isEqualTo(text);
            assertThat(data).as(cut).containsExactly("message={\"a\":1}", null, "x=y", "message=z", "message=[DONE]");
            assertThat(parser.hasPartialEvent()).isFalse();
        });
    }

    @Test
    void aLoneCrAtAChunkEndDispatchesAtOnceAndItsLfStaysInTheStream() {
        SseParser parser = new SseParser();
        List<String> blocks = new ArrayList<>();
        SseParser.Handler handler = (event, buf, start, end) -> blocks.add(buf.getString(start, end));

        parser.feed(Buffer.buffer("data: a\r\n\r"), handler);
        assertThat(blocks).containsExactly("data: a\r\n\r");
        parser.feed(Buffer.buffer("\ndata: b\n\n"), handler);
        assertThat(blocks).containsExactly("data: a\r\n\r", "\ndata: b\n\n");
    }

    @Test
    void aLargeEventOverManyChunksArrivesWholeAndByteExact() {
        String big = "x".repeat(2 * 1024 * 1024);
        byte[] bytes = ("data: a\n\ndata: " + big + "\n\ndata: b\n\n").getBytes(StandardCharsets.UTF_8);
        SseParser parser = new SseParser();
        StringBuilder relayed = new StringBuilder();
        List<String> data = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += 1000) {
            parser.feed(Buffer.buffer(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 1000))), (event, buf, start, end) -> {
                relayed.append(buf.getString(start, end));
                data.add(event.data());
            });
        }

        assertThat(data).containsExactly("a", big, "b");
        assertThat(relayed.toString()).isEqualTo(new String(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void anOverlongLineIsRefused() {
        SseParser parser = new SseParser();
        byte[] line = new byte[8 * 1024 * 1024 + 1];
        Arrays.fill(line, (byte) 'x');

        assertThatThrownBy(() -> parser.feed(line)).isInstanceOf(IllegalStateException.class).hasMessageContaining("longer than");
    }

    @Test
    void anEventOfManyShortLinesIsBoundedToo() {
        // each line is short, the block never ends: without a limit on the whole event it would grow without end
        SseParser parser = new SseParser(64 * 1024);
        byte[] line = ("data: " + "x".repeat(1000) + "\n").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> {
            for (int i = 0; i < 100; i++) {
                parser.feed(line);
            }
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("event-stream event longer than 65536 bytes");
    }

    @Test
    void eventsUpToTheLimitPass() {
        SseParser parser = new SseParser(64 * 1024);
        String data = "x".repeat(60_000);

        assertThat(parser.feed(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8))).extracting(SseEvent::data).containsExactly(data);
    }

    @Test
    void wireFormRoundTrips() {
        SseEvent event = new SseEvent("content_block_delta", "{\"a\":1}\n{\"b\":2}", "9", null);

        assertThat(parse(event.toWire())).containsExactly(event);
    }
}
