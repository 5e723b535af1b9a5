package dev.sparkd.simulator.generation;

import java.util.ArrayList;
import java.util.List;

/**
 * What a reasoning model generates for one request: thinking tokens first, then the answer, both out of one token
 * budget. Ollama counts thinking tokens against {@code num_predict} and vLLM against {@code max_tokens}, so a small
 * budget ends the request while the model is still thinking, with an empty answer and {@code length}.
 *
 * @param thinking the reasoning tokens (empty when thinking is off)
 * @param answer   the answer's tokens (empty when the budget ran out while thinking)
 * @param reason   {@code stop} or {@code length}
 */
public record Thinking(List<String> thinking, List<String> answer, String reason) {
    /** Thinking tokens at the default effort (Ollama's {@code think:true}, vLLM's medium). */
    public static final int DEFAULT_TOKENS = 48;
    /** Thinking tokens at {@code "low"} effort. */
    public static final int LOW_TOKENS = 16;
    private static final String[] WORDS = ("Okay, the user asks a short question. Let me work it out carefully before I "
            + "answer, check the arithmetic once more, and keep the reply as brief as they asked.").split(" ");

    /** How much a request lets the model think. */
    public enum Effort {
        OFF(0), LOW(LOW_TOKENS), DEFAULT(DEFAULT_TOKENS);

        private final int tokens;

        Effort(int tokens) {
            this.tokens = tokens;
        }
    }

    /** Thinking then answering {@code prompt} within {@code budget} tokens in all ({@code <= 0}: unlimited). */
    public static Thinking of(String prompt, Effort effort, int budget) {
        List<String> thinking = new ArrayList<>();
        for (int i = 0; i < effort.tokens; i++) {
            String w = WORDS[i % WORDS.length];
            thinking.add(i == 0 ? w : " " + w);
        }
        if (budget > 0 && thinking.size() >= budget) {
            return new Thinking(List.copyOf(thinking.subList(0, budget)), List.of(), "length");
        }
        int left = budget > 0 ? budget - thinking.size() : 0;
        return new Thinking(List.copyOf(thinking), TextGenerator.tokens(prompt, left), TextGenerator.finishReason(prompt, left));
    }

    /** Tokens generated in all, as {@code eval_count} / {@code completion_tokens} report them. */
    public int total() {
        return thinking.size() + answer.size();
    }

    public String thinkingText() {
        return String.join("", thinking);
    }

    public String answerText() {
        return String.join("", answer);
    }
}
