package dev.sparkd.router.anthropic;

import java.util.List;

/**
 * Rebuilds one upstream event stream in the client's dialect, one event at a time. What it returns is complete SSE
 * frames, ready to write; it tallies the usage on the way (in {@link #inputTokens} and {@link #outputTokens}), and says
 * when the stream is complete or the upstream reported an error inside it.
 */
public abstract class StreamTranslator {
    /** What one event produced: frames to send, whether the stream is complete, or the upstream's error message. */
    public record Result(List<String> frames, boolean done, String error) {
        public static final Result NOTHING = new Result(List.of(), false, null);
    }

    /** Prompt tokens as OpenAI counts them (cache reads included), as far as the stream has told. */
    protected long inputTokens;
    protected long outputTokens;

    public abstract Result onEvent(String name, String data);

    public final long inputTokens() {
        return inputTokens;
    }

    public final long outputTokens() {
        return outputTokens;
    }
}
