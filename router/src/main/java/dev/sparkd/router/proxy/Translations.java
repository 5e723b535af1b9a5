package dev.sparkd.router.proxy;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkd.router.anthropic.AnthropicErrors;
import dev.sparkd.router.anthropic.AnthropicMessages;
import dev.sparkd.router.anthropic.AnthropicPassThrough;
import dev.sparkd.router.anthropic.AnthropicStream;
import dev.sparkd.router.anthropic.AnthropicTranslation;
import dev.sparkd.router.anthropic.MessagesStream;
import dev.sparkd.router.anthropic.StreamTranslator;
import dev.sparkd.router.target.Target;
import io.vertx.core.buffer.Buffer;

/**
 * Between the client's dialect and the target's: OpenAI clients of Anthropic targets, Anthropic clients of
 * OpenAI-compatible targets, and everyone else as they are. Each method is one decision, so the exchange stays one
 * path for all of them.
 */
final class Translations {
    private Translations() {
    }

    /** The request body for {@code t}. */
    static Buffer payload(Target t, ProxyRequest req, String requestedModel, ObjectMapper mapper) throws Exception {
        String model = t.modelFor(requestedModel);
        ObjectNode body = req.body();
        if (req.endpoint().rawRequest()) {
            Buffer raw = req.forward().raw();
            MultipartForm.Field field = MultipartForm.fields(raw, MultipartForm.boundary(req.forward().contentType())).get("model");
            return model.equals(field.value()) ? raw : MultipartForm.replace(raw, field, model);
        }
        if (req.endpoint().anthropicClient()) {
            if (t.upstream().anthropic()) {
                ObjectNode copy = body.deepCopy();
                copy.put("model", model);
                return Buffer.buffer(mapper.writeValueAsBytes(copy));
            }
            ObjectNode chat = AnthropicMessages.request(body, model, req.stream(), !t.cloud(), mapper);
            if (req.endpoint() == Endpoint.COUNT_TOKENS) {
                // vLLM's chat form of /tokenize: the messages (and tools) through the model's chat template
                ObjectNode tokenize = mapper.createObjectNode().put("model", model);
                tokenize.set("messages", chat.get("messages"));
                if (chat.has("tools")) {
                    tokenize.set("tools", chat.get("tools"));
                }
                tokenize.put("add_generation_prompt", true);
                return Buffer.buffer(mapper.writeValueAsBytes(tokenize));
            }
            return Buffer.buffer(mapper.writeValueAsBytes(chat));
        }
        if (t.upstream().anthropic()) {
            return Buffer.buffer(mapper.writeValueAsBytes(AnthropicTranslation.request(body, model, req.stream(), mapper)));
        }
        body.put("model", model);
        return Buffer.buffer(mapper.writeValueAsBytes(body));
    }

    /** A whole answer in the client's dialect, and its token counts for the ledger. */
    record Answer(Buffer body, long promptTokens, long completionTokens) {
    }

    static Answer answer(ProxyRequest req, Target t, Buffer out, String requestedModel, ObjectMapper mapper) throws Exception {
        boolean anthropicUpstream = t.upstream().anthropic();
        if (!anthropicUpstream && !req.endpoint().anthropicClient() && req.endpoint() != Endpoint.COUNT_TOKENS) {
            return passedThrough(out, mapper);
        }
        JsonNode root = mapper.readTree(out.getBytes());
        if (req.endpoint() == Endpoint.COUNT_TOKENS) {
            // counting is free: nothing for the ledger's token columns
            return new Answer(anthropicUpstream ? out : Buffer.buffer(mapper.writeValueAsBytes(
                    mapper.createObjectNode().put("input_tokens", root.path("count").asLong(0)))), 0, 0);
        }
        if (req.endpoint().anthropicClient()) {
            JsonNode msg = anthropicUpstream ? root : AnthropicMessages.response(root, requestedModel, mapper);
            JsonNode u = msg.path("usage");
            long prompt = u.path("input_tokens").asLong(0) + u.path("cache_read_input_tokens").asLong(0)
                    + u.path("cache_creation_input_tokens").asLong(0);
            return new Answer(anthropicUpstream ? out : Buffer.buffer(mapper.writeValueAsBytes(msg)), prompt,
                    u.path("output_tokens").asLong(0));
        }
        if (anthropicUpstream) {
            root = AnthropicTranslation.response(root, requestedModel, mapper);
            out = Buffer.buffer(mapper.writeValueAsBytes(root));
        }
        JsonNode usage = root.path("usage");
        // rerank: llama.cpp reports prompt_tokens, vLLM only total_tokens
        long prompt = usage.path("prompt_tokens").asLong(usage.path("total_tokens").asLong(0));
        return new Answer(out, prompt, usage.path("completion_tokens").asLong(0));
    }

    /**
     * An OpenAI-shaped answer going to an OpenAI client as it is: only its usage is read, by one pass of the parser
     * instead of a tree of the whole answer (the common case, on every request's path). The whole first JSON value is
     * still read, so an answer that is not JSON fails the attempt as before.
     */
    static Answer passedThrough(Buffer out, ObjectMapper mapper) throws IOException {
        long prompt = 0;
        long completion = 0;
        try (JsonParser p = mapper.getFactory().createParser(out.getBytes())) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if ("usage".equals(name)) {
                        prompt = 0;
                        completion = 0;
                        if (value == JsonToken.START_OBJECT) {
                            long total = 0;
                            Long promptField = null;
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String field = p.currentName();
                                if (p.nextToken() == JsonToken.VALUE_NULL) {
                                    continue; // as if absent
                                }
                                switch (field) {
                                    case "prompt_tokens" -> promptField = p.getValueAsLong(0);
                                    case "completion_tokens" -> completion = p.getValueAsLong(0);
                                    case "total_tokens" -> total = p.getValueAsLong(0);
                                    default -> p.skipChildren();
                                }
                            }
                            // rerank: llama.cpp reports prompt_tokens, vLLM only total_tokens
                            prompt = promptField != null ? promptField : total;
                        } else {
                            p.skipChildren();
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return new Answer(out, prompt, completion);
    }

    /** How an upstream event stream becomes the client's, or null when it passes through as it is. */
    static StreamTranslator stream(ProxyRequest req, Target t, String requestedModel, ObjectMapper mapper) {
        boolean anthropicUpstream = t.upstream().anthropic();
        if (req.endpoint().anthropicClient()) {
            return anthropicUpstream ? new AnthropicPassThrough(mapper) : new MessagesStream(requestedModel, mapper);
        }
        return anthropicUpstream ? new AnthropicStream(requestedModel, req.clientWantsUsage(), mapper) : null;
    }

    /** An error answer's body in the client's dialect. */
    static String errorBody(Endpoint endpoint, OpenAiError e, String requestId) {
        return endpoint.anthropicClient() ? AnthropicErrors.json(e.status(), e.message(), requestId) : e.json(requestId);
    }

    /** The last event of a stream that failed after it started. */
    static String streamError(Endpoint endpoint, OpenAiError e, String requestId) {
        return endpoint.anthropicClient() ? AnthropicErrors.event(e.status(), e.message(), requestId) : "data: " + e.json(requestId) + "\n\n";
    }
}
