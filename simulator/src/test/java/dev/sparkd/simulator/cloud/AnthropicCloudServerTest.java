package dev.sparkd.simulator.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkd.simulator.generation.Pace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Raw HTTP checks of the simulated Messages API. Each expected shape is the documented one:
 * errors — docs.claude.com/en/api/errors; responses — /en/api/messages; events — /en/docs/build-with-claude/streaming.
 */
class AnthropicCloudServerTest {
    static final String KEY = "sk-ant-test-key-9876";
    @RegisterExtension
    static final RunningCloud<AnthropicCloudServer> cloud = new RunningCloud<>(
            v -> new AnthropicCloudServer(v, Set.of(KEY), List.of(), new Pace(Duration.ofMillis(10), 1000)));
    static final AnthropicCloudServer server = cloud.server;
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();

    record Event(String name, JsonNode data) {
    }

    @Test
    void nonStreamingMessage() throws Exception {
        HttpResponse<String> r = post(KEY, "2023-06-01", body("What is 2+2? Reply with just the number.", false));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode m = json.readTree(r.body());
        // docs.claude.com/en/api/messages: the Message object
        assertThat(m.get("id").asText()).startsWith("msg_");
        assertThat(m.get("type").asText()).isEqualTo("message");
        assertThat(m.get("role").asText()).isEqualTo("assistant");
        assertThat(m.get("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(m.at("/content/0/type").asText()).isEqualTo("text");
        assertThat(m.at("/content/0/text").asText()).isEqualTo("4");
        assertThat(m.get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(m.get("stop_sequence").isNull()).isTrue();
        assertThat(m.at("/usage/output_tokens").asInt()).isEqualTo(1);
        assertThat(m.at("/usage/input_tokens").asInt()).isPositive();
        CloudRequest logged = server.requests().get(0);
        assertThat(logged.keyId()).isEqualTo("\u20269876");
        assertThat(logged.inputTokens()).isEqualTo(m.at("/usage/input_tokens").asInt());
    }

    @Test
    void streamingEventSequence() throws Exception {
        HttpResponse<String> r = post(KEY, "2023-06-01", body("Tell me about the cluster", true));
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<Event> events = events(r.body());
        List<String> names = events.stream().map(Event::name).toList();
        // docs.claude.com/en/docs/build-with-claude/streaming: "Event types" and the basic streaming example
        assertThat(names.subList(0, 3)).containsExactly("message_start", "content_block_start", "ping");
        assertThat(names.subList(names.size() - 3, names.size())).containsExactly("content_block_stop", "message_delta", "message_stop");
        assertThat(names.subList(3, names.size() - 3)).containsOnly("content_block_delta");
        for (Event e : events) {
            assertThat(e.data().get("type").asText()).isEqualTo(e.name()); // event name equals the JSON type
        }
        JsonNode start = events.get(0).data().get("message");
        assertThat(start.get("content")).isEmpty();
        assertThat(start.get("stop_reason").isNull()).isTrue();
        assertThat(events.get(1).data().at("/content_block/type").asText()).isEqualTo("text");
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.name().equals("content_block_delta")).forEach(e -> {
            assertThat(e.data().at("/delta/type").asText()).isEqualTo("text_delta");
            text.append(e.data().at("/delta/text").asText());
        });
        JsonNode delta = events.get(events.size() - 2).data();
        assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("end_turn");
        assertThat(delta.at("/usage/output_tokens").asInt()).isEqualTo(names.size() - 6);
        JsonNode whole = json.readTree(post(KEY, "2023-06-01", body("Tell me about the cluster", false)).body());
        assertThat(whole.at("/content/0/text").asText()).isEqualTo(text.toString());
    }

    @Test
    void toolUseStreamsInputJsonDeltas() throws Exception {
        String req = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,\"stream\":true,"
                + "\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather\",\"input_schema\":{\"type\":\"object\","
                + "\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Use get_weather for Paris\"}]}";
        List<Event> events = events(post(KEY, "2023-06-01", req).body());
        JsonNode block = events.get(1).data().get("content_block");
        assertThat(block.get("type").asText()).isEqualTo("tool_use");
        assertThat(block.get("id").asText()).startsWith("toolu_");
        assertThat(block.get("name").asText()).isEqualTo("get_weather");
        StringBuilder partial = new StringBuilder();
        events.stream().filter(e -> e.name().equals("content_block_delta")).forEach(e -> {
            assertThat(e.data().at("/delta/type").asText()).isEqualTo("input_json_delta");
            partial.append(e.data().at("/delta/partial_json").asText());
        });
        assertThat(json.readTree(partial.toString()).has("location")).isTrue();
        assertThat(events.get(events.size() - 2).data().at("/delta/stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void errorShapes() throws Exception {
        // docs.claude.com/en/api/errors: {"type":"error","error":{"type":...,"message":...},"request_id":...}
        HttpResponse<String> badKey = post("sk-ant-wrong", "2023-06-01", body("hi", false));
        assertThat(badKey.statusCode()).isEqualTo(401);
        JsonNode e = json.readTree(badKey.body());
        assertThat(e.get("type").asText()).isEqualTo("error");
        assertThat(e.at("/error/type").asText()).isEqualTo("authentication_error");
        assertThat(e.at("/error/message").asText()).isEqualTo("invalid x-api-key");
        assertThat(e.get("request_id").asText()).startsWith("req_");

        HttpResponse<String> noVersion = post(KEY, null, body("hi", false));
        assertThat(noVersion.statusCode()).isEqualTo(400);
        assertThat(json.readTree(noVersion.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");

        server.setFault(CloudFault.OVERLOADED);
        HttpResponse<String> overloaded = post(KEY, "2023-06-01", body("hi", false));
        assertThat(overloaded.statusCode()).isEqualTo(529);
        assertThat(json.readTree(overloaded.body()).at("/error/type").asText()).isEqualTo("overloaded_error");

        server.setFault(CloudFault.NONE);
        server.setRateLimit(1);
        post(KEY, "2023-06-01", body("hi", false));
        HttpResponse<String> limited = post(KEY, "2023-06-01", body("hi", false));
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(json.readTree(limited.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");
        assertThat(limited.headers().firstValue("retry-after")).isPresent();
        assertThat(server.requests()).extracting(CloudRequest::status).containsExactly(401, 400, 529, 200, 429);
    }

    @Test
    void errorEventInsideA200Stream() throws Exception {
        server.setFault(CloudFault.MID_STREAM_ERROR);
        HttpResponse<String> r = post(KEY, "2023-06-01", body("Tell me about the cluster", true));
        assertThat(r.statusCode()).isEqualTo(200);
        List<Event> events = events(r.body());
        Event last = events.get(events.size() - 1);
        assertThat(last.name()).isEqualTo("error");
        assertThat(last.data().at("/error/type").asText()).isEqualTo("overloaded_error");
        assertThat(events).extracting(Event::name).doesNotContain("message_stop");
    }

    static String body(String prompt, boolean stream) {
        return "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":128,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":" + quote(prompt) + "}]}";
    }

    static String quote(String s) {
        try {
            return json.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Event> events(String body) throws Exception {
        List<Event> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String[] lines = block.split("\n");
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            out.add(new Event(lines[0].substring(7), json.readTree(lines[1].substring(6))));
        }
        return out;
    }

    static HttpResponse<String> post(String key, String version, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/messages"))
                .header("content-type", "application/json").header("x-api-key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (version != null) {
            b.header("anthropic-version", version);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
