package dev.sparkd.router.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkd.core.http.SseEvent;
import dev.sparkd.core.http.SseParser;
import dev.sparkd.router.anthropic.StreamTranslator;
import io.vertx.core.buffer.Buffer;

/**
 * One upstream event stream on its way to the client, chunk by chunk: OpenAI-shaped events are forwarded byte for
 * byte, except the usage chunk only the router asked for; an Anthropic stream is rebuilt into chunks. Along the way it
 * notes the usage, the {@code [DONE]} and an error the upstream reports inside the stream. No I/O: the caller writes
 * what it produces.
 */
final class StreamRelay {
    private static final Buffer DONE_EVENT = Buffer.buffer("data: [DONE]\n\n");

    private final SseParser parser;
    private final ObjectMapper mapper;
    private final boolean clientWantsUsage;
    private final StreamTranslator translator;
    private final SseParser.Handler onBlock = this::onBlock;

    private Buffer out;
    private boolean clientHasBytes;
    private boolean done;
    private String error;
    private long promptTokens;
    private long completionTokens;
    private long relayedTokens;

    /** @param translator the translator when the upstream's events are not the client's dialect, else null */
    StreamRelay(ObjectMapper mapper, boolean clientWantsUsage, StreamTranslator translator) {
        this(mapper, clientWantsUsage, translator, SseParser.DEFAULT_MAX_EVENT_BYTES);
    }

    /** @param maxEventBytes the largest event held whole; a larger one is reported as the stream's error */
    StreamRelay(ObjectMapper mapper, boolean clientWantsUsage, StreamTranslator translator, long maxEventBytes) {
        this.parser = new SseParser((int) Math.min(Integer.MAX_VALUE, maxEventBytes));
        this.mapper = mapper;
        this.clientWantsUsage = clientWantsUsage;
        this.translator = translator;
    }

    /**
     * Appends to {@code out} what the client gets for {@code chunk}. Returns the upstream's error message when the
     * chunk carried one (or could not be read), else null; nothing after an error or the {@code [DONE]} is relayed.
     *
     * @param clientHasBytes whether the client already has a byte of this stream (comments are forwarded only then)
     */
    String relay(Buffer chunk, Buffer out, boolean clientHasBytes) {
        this.out = out;
        this.clientHasBytes = clientHasBytes;
        try {
            parser.feed(chunk, onBlock);
        } catch (IllegalStateException e) {
            error = e.getMessage();
        } finally {
            this.out = null;
        }
        return error;
    }

    /** Whether the stream is complete ({@code [DONE]}, or Anthropic's {@code message_stop}). */
    boolean done() {
        return done;
    }

    long promptTokens() {
        return promptTokens;
    }

    long completionTokens() {
        return completionTokens;
    }

    /** Chunks relayed so far: a provider streams about one token per chunk, so what to charge when no usage came. */
    long relayedTokens() {
        return relayedTokens;
    }

    private void onBlock(SseEvent event, Buffer bytes, int start, int end) {
        if (done || error != null) {
            return;
        }
        if (translator != null) {
            if (event != null) {
                translate(event);
            }
            return;
        }
        if (event == null) {
            if (clientHasBytes || out.length() > 0) {
                out.appendBuffer(bytes, start, end - start); // comments and keep-alives, once the stream is ours
            }
            return;
        }
        String data = event.data();
        if (data.equals(SseEvent.DONE)) {
            done = true;
            out.appendBuffer(bytes, start, end - start);
            return;
        }
        // nested {"error":{…}} (vLLM 0.10.1+, llama.cpp, Ollama /v1) or vLLM's flat {"object":"error",…} before 0.10.1
        boolean flat = data.startsWith("{\"object\":\"error\"");
        if (flat || data.startsWith("{\"error\"")) {
            String message = data;
            try {
                JsonNode node = mapper.readTree(data);
                message = (flat ? node : node.path("error")).path("message").asText(data);
            } catch (Exception e) {
                // keep the raw text
            }
            error = message;
            return;
        }
        int u = data.indexOf("\"usage\"");
        if (u >= 0 && usageIsObject(data, u + 7)) {
            try {
                JsonNode chunk = mapper.readTree(data);
                JsonNode usage = chunk.path("usage");
                promptTokens = usage.path("prompt_tokens").asLong(promptTokens);
                completionTokens = usage.path("completion_tokens").asLong(completionTokens);
                JsonNode choices = chunk.path("choices");
                if (!clientWantsUsage && (!choices.isArray() || choices.isEmpty())) {
                    return; // the usage chunk only we asked for
                }
            } catch (Exception e) {
                // not JSON: forward untouched
            }
        }
        relayedTokens++;
        out.appendBuffer(bytes, start, end - start);
    }

    private void translate(SseEvent event) {
        StreamTranslator.Result res = translator.onEvent(event.event(), event.data());
        if (res.error() != null) {
            error = res.error();
            return;
        }
        for (String frame : res.frames()) {
            out.appendString(frame);
            relayedTokens++;
        }
        if (res.done()) {
            promptTokens = translator.inputTokens();
            completionTokens = translator.outputTokens();
            done = true;
        }
    }

    /** Whether {@code "usage"} at {@code from} is followed by an object (not {@code null}). */
    private static boolean usageIsObject(String data, int from) {
        for (int i = from; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c != ':' && c != ' ') {
                return c == '{';
            }
        }
        return false;
    }
}
