package dev.sparkd.simulator.generation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deterministic "model output" for every simulated server (Ollama, vLLM, llama.cpp, cloud). The same prompt always
 * gives the same tokens, so tests can assert on text and token counts; arithmetic questions get the right answer, so
 * the health-agent's handshake ("What is 2+2? Reply with just the number.") passes.
 */
public final class TextGenerator {
    private static final Pattern SUM = Pattern.compile("what is (-?\\d+)\\s*([+*-])\\s*(-?\\d+)");
    private static final String[] WORDS = ("the model runs on a spark with unified memory and answers every request "
            + "from the local cluster while the router keeps cloud traffic under budget and the agent watches health")
            .split(" ");

    private TextGenerator() {
    }

    /** The completion's tokens (at most {@code maxTokens}; {@code maxTokens <= 0} means the natural length). */
    public static List<String> tokens(String prompt, int maxTokens) {
        List<String> out = new ArrayList<>();
        Matcher m = SUM.matcher(prompt == null ? "" : prompt.toLowerCase(Locale.ROOT));
        if (m.find()) {
            long a = Long.parseLong(m.group(1));
            long b = Long.parseLong(m.group(3));
            long r = switch (m.group(2)) {
                case "+" -> a + b;
                case "-" -> a - b;
                default -> a * b;
            };
            out.add(Long.toString(r));
        } else {
            int h = prompt == null ? 0 : prompt.hashCode();
            int length = 24 + Math.floorMod(h, 24);
            for (int i = 0; i < length; i++) {
                String w = WORDS[Math.floorMod(h + i * 31, WORDS.length)];
                out.add(i == 0 ? capitalise(w) : " " + w);
            }
            out.add(".");
        }
        return maxTokens > 0 && out.size() > maxTokens ? List.copyOf(out.subList(0, maxTokens)) : List.copyOf(out);
    }

    /** Why generation stopped, in OpenAI terms: {@code length} when {@code maxTokens} cut it short, else {@code stop}. */
    public static String finishReason(String prompt, int maxTokens) {
        return maxTokens > 0 && tokens(prompt, 0).size() > maxTokens ? "length" : "stop";
    }

    /** A stable token count for prompt text: roughly one token per word or punctuation mark, at least 1. */
    public static int countTokens(String text) {
        if (text == null || text.isBlank()) {
            return 1;
        }
        return Math.max(1, text.trim().split("\\s+|(?=[.,!?;:])").length);
    }

    /** A deterministic unit-length embedding of {@code dimensions} floats for {@code text}. */
    public static float[] embedding(String text, int dimensions) {
        float[] v = new float[dimensions];
        long seed = text == null ? 0 : text.hashCode();
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            v[i] = (float) (((seed >>> 33) % 2000) / 1000.0 - 1.0);
            norm += v[i] * v[i];
        }
        float n = (float) Math.sqrt(norm == 0 ? 1 : norm);
        for (int i = 0; i < dimensions; i++) {
            v[i] /= n;
        }
        return v;
    }

    private static String capitalise(String w) {
        return w.isEmpty() ? w : Character.toUpperCase(w.charAt(0)) + w.substring(1);
    }
}
