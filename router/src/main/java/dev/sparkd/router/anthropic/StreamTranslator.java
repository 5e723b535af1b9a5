package dev.sparkd.router.anthropic;

import java.util.List;

/**
 * Rebuilds one upstream event stream in the client's dialect, one event at a time. What it returns is complete SSE
 * frames, ready to write; it notes the usage on the way, and says when the stream is complete or the upstream
 * reported an error inside it.
 */
public interface StreamTranslator {
    /** What one event produced: frames to send, whether the stream is complete, or the upstream's error message. */
    record Result(List<String> frames, boolean done, String error) {
        public static final Result NOTHING = new Result(List.of(), false, null);
    }

    Result onEvent(String name, String data);

    /** Prompt tokens as OpenAI counts them (cache reads included). */
    long inputTokens();

    long outputTokens();
}
