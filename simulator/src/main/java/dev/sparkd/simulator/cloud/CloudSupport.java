package dev.sparkd.simulator.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkd.simulator.generation.Pace;
import dev.sparkd.simulator.http.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.function.IntConsumer;

/** Small pieces both simulated providers need: JSON, ids, pacing on the event loop. */
final class CloudSupport {
    static final ObjectMapper JSON = Json.MAPPER;
    private static final String ALPHANUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private CloudSupport() {
    }

    /** The request body as JSON, or null when it is missing or not JSON (each provider answers that its own way). */
    static JsonNode body(RoutingContext ctx) {
        String text = ctx.body().asString();
        try {
            return JSON.readTree(text == null ? "" : text);
        } catch (Exception e) {
            return null;
        }
    }

    static String randomId(String prefix, int length) {
        StringBuilder b = new StringBuilder(prefix);
        for (int i = 0; i < length; i++) {
            b.append(ALPHANUM.charAt(RANDOM.nextInt(ALPHANUM.length())));
        }
        return b.toString();
    }

    /** Text of a message {@code content}: a string, or the {@code text} of every text part of an array. */
    static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        StringBuilder b = new StringBuilder();
        for (JsonNode part : content) {
            if (part.hasNonNull("text")) {
                b.append(b.length() == 0 ? "" : "\n").append(part.get("text").asText());
            }
        }
        return b.toString();
    }

    /** Runs {@code action} after {@code delay} on the event loop (at once, still asynchronously, for zero). */
    static void later(Vertx vertx, Duration delay, Runnable action) {
        long ms = delay.toMillis();
        if (ms <= 0) {
            vertx.runOnContext(v -> action.run());
        } else {
            vertx.setTimer(ms, id -> action.run());
        }
    }

    /**
     * Emits {@code count} tokens paced like a model: token 0 after the time to first token, each next one after the
     * inter-token delay; stops early if the client went away. {@code done} runs after the last token.
     */
    static void paced(Vertx vertx, Pace pace, HttpServerResponse response, int count, IntConsumer token, Runnable done) {
        step(vertx, pace, response, 0, count, token, done, pace.timeToFirstToken());
    }

    private static void step(Vertx vertx, Pace pace, HttpServerResponse response, int i, int count, IntConsumer token,
                             Runnable done, Duration delay) {
        later(vertx, delay, () -> {
            if (response.closed() || response.ended()) {
                return;
            }
            if (i >= count) {
                done.run();
                return;
            }
            token.accept(i);
            step(vertx, pace, response, i + 1, count, token, done, pace.interTokenDelay());
        });
    }

    static String joined(List<String> tokens) {
        return String.join("", tokens);
    }

    /** OpenAI's duration style in {@code x-ratelimit-reset-*}: {@code 6ms}, {@code 20s}, {@code 1m0s}. */
    static String goDuration(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        long s = millis / 1000;
        double fractional = millis / 1000.0;
        if (s < 60) {
            return (millis % 1000 == 0 ? Long.toString(s) : String.format(java.util.Locale.ROOT, "%.3f", fractional)
                    .replaceAll("0+$", "")) + "s";
        }
        return s / 60 + "m" + s % 60 + "s";
    }
}
