package dev.sparkd.simulator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** One Jackson mapper for every simulated server; field order in the output is insertion order, like the real servers'. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** The fields an OpenAI API response object starts with (a completion, a chunk, a list with an id). */
    public static ObjectNode openAiObject(String id, String object, long created, String model) {
        ObjectNode o = object();
        o.put("id", id);
        o.put("object", object);
        o.put("created", created);
        o.put("model", model);
        return o;
    }

    /** OpenAI's {@code usage} in OpenAI's order (Ollama's compatibility layer keeps it too). */
    public static ObjectNode openAiUsage(int prompt, int completion) {
        ObjectNode u = object();
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion);
        u.put("total_tokens", prompt + completion);
        return u;
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a request body; null when it is empty or not a JSON object. */
    public static ObjectNode parseObject(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            JsonNode n = MAPPER.readTree(text);
            return n instanceof ObjectNode o ? o : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** A timestamp as Go's {@code time.RFC3339Nano} prints it (Ollama's format): trailing zeros of the fraction dropped. */
    public static String goTime(Instant t) {
        OffsetDateTime utc = OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(utc.format(SECONDS));
        if (utc.getNano() != 0) {
            String fraction = String.format("%09d", utc.getNano()).replaceAll("0+$", "");
            b.append('.').append(fraction);
        }
        return b.append('Z').toString();
    }
}
