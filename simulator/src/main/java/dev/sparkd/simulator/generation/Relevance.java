package dev.sparkd.simulator.generation;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Deterministic stand-ins for what rerankers and speech recognisers compute: a relevance score that grows with the
 * words a document shares with the query, and a transcript that depends only on the audio's bytes.
 */
public final class Relevance {
    private Relevance() {
    }

    /** A score in (0, 1): the share of the query's words the document contains, nudged apart by a stable hash. */
    public static double score(String query, String document) {
        Set<String> q = words(query);
        Set<String> d = words(document);
        long shared = q.stream().filter(d::contains).count();
        double share = q.isEmpty() ? 0 : shared / (double) q.size();
        double jitter = Math.floorMod((query + "\u0000" + document).hashCode(), 1000) / 1_000_000.0;
        return Math.min(0.999, 0.001 + share * 0.99 + jitter);
    }

    /** The words a recogniser "hears" in audio of these bytes: the same bytes always give the same text. */
    public static String transcript(byte[] audio) {
        int h = java.util.Arrays.hashCode(audio);
        List<String> tokens = TextGenerator.tokens("audio " + h, 12);
        return String.join("", tokens).strip() + ".";
    }

    /** Seconds of 16 kHz 16-bit mono PCM in this many bytes (WAV as speech tools record it), at least 0.1. */
    public static double seconds(long bytes) {
        return Math.max(0.1, Math.round(bytes / 32_000.0 * 100) / 100.0);
    }

    private static Set<String> words(String text) {
        Set<String> out = new HashSet<>();
        for (String w : (text == null ? "" : text).toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }
}
