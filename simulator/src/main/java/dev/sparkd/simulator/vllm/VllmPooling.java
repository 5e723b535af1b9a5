package dev.sparkd.simulator.vllm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.simulator.generation.Relevance;
import dev.sparkd.simulator.generation.TextGenerator;
import dev.sparkd.simulator.http.Json;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * vLLM's non-generative endpoints for the models that have them (vllm-project/vllm
 * {@code vllm/entrypoints/openai/protocol.py}: RerankRequest/RerankResponse, ScoreRequest/ScoreResponse,
 * TranscriptionRequest/TranscriptionResponse): {@code /rerank} ({@code /v1/rerank}, {@code /v2/rerank}),
 * {@code /score} ({@code /v1/score}) for cross-encoders, {@code /v1/audio/transcriptions} for Whisper. The bodies are
 * built here; admission (model name, engine state) stays with {@link VllmServer}.
 */
final class VllmPooling {
    private VllmPooling() {
    }

    /**
     * {@code {"id","model","usage":{"total_tokens"},"results":[{"index","document":{"text"},"relevance_score"}]}}, best
     * first, cut to {@code top_n} when it is set; null when the request lacks {@code query} or {@code documents}.
     */
    static ObjectNode rerank(ObjectNode body, String model) {
        JsonNode docs = body.get("documents");
        if (!body.has("query") || docs == null || !docs.isArray()) {
            return null;
        }
        String query = body.path("query").asText();
        List<ObjectNode> results = new ArrayList<>();
        int tokens = 0;
        for (int i = 0; i < docs.size(); i++) {
            JsonNode d = docs.get(i);
            String text = d.isTextual() ? d.asText() : d.path("text").asText();
            tokens += TextGenerator.countTokens(query) + TextGenerator.countTokens(text);
            ObjectNode r = Json.object();
            r.put("index", i);
            r.putObject("document").put("text", text);
            r.put("relevance_score", Relevance.score(query, text));
            results.add(r);
        }
        results.sort(Comparator.comparingDouble((ObjectNode r) -> r.path("relevance_score").asDouble()).reversed());
        int topN = body.path("top_n").asInt(0);
        ObjectNode out = Json.object();
        out.put("id", "rerank-" + VllmServer.hex());
        out.put("model", model);
        out.putObject("usage").put("total_tokens", tokens);
        ArrayNode arr = out.putArray("results");
        results.stream().limit(topN > 0 ? topN : results.size()).forEach(arr::add);
        return out;
    }

    /** {@code /score}: {@code text_1} (one or many) against {@code text_2}, pairwise; null when either is missing. */
    static ObjectNode score(ObjectNode body, String model) {
        List<String> first = texts(body.get("text_1"));
        List<String> second = texts(body.get("text_2"));
        if (first == null || second == null || (first.size() != 1 && first.size() != second.size())) {
            return null;
        }
        ObjectNode out = Json.openAiObject("score-" + VllmServer.hex(), "list", System.currentTimeMillis() / 1000, model);
        ArrayNode data = out.putArray("data");
        int tokens = 0;
        for (int i = 0; i < second.size(); i++) {
            String a = first.size() == 1 ? first.get(0) : first.get(i);
            tokens += TextGenerator.countTokens(a) + TextGenerator.countTokens(second.get(i));
            ObjectNode d = data.addObject();
            d.put("index", i);
            d.put("object", "score");
            d.put("score", Relevance.score(a, second.get(i)));
        }
        out.set("usage", VllmResponses.usage(tokens, 0));
        return out;
    }

    /** The transcript of an upload: {@code json} → {@code {"text"}}, {@code text} → the bare text, else null. */
    static Object transcription(FileUpload file, String responseFormat) throws IOException {
        byte[] audio = Files.readAllBytes(Path.of(file.uploadedFileName()));
        String text = Relevance.transcript(audio);
        return switch (responseFormat) {
            case "json" -> {
                ObjectNode out = Json.object();
                out.put("text", text);
                out.putObject("usage").put("type", "duration").put("seconds", (int) Math.ceil(Relevance.seconds(audio.length)));
                yield out;
            }
            case "text" -> text;
            default -> null;
        };
    }

    private static List<String> texts(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(x -> out.add(x.asText()));
        } else {
            out.add(n.asText());
        }
        return out;
    }

    /** The upload named {@code file}, or null. */
    static FileUpload file(RoutingContext ctx) {
        return ctx.fileUploads().stream().filter(f -> "file".equals(f.name())).findFirst().orElse(null);
    }
}
