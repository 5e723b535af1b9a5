package dev.sparkd.core.queue;

/**
 * Text from outside (an upstream's error message, a tool's output) made fit for a {@code text} column: PostgreSQL
 * refuses NUL (SQLSTATE 22021), and other control characters only garble logs and terminals. Each of them becomes
 * U+FFFD except tab, newline and carriage return; the result is cut at {@code max} characters (never inside a
 * surrogate pair), marked with an ellipsis.
 */
public final class StoredText {
    /** What an error or detail column keeps: enough to diagnose, small enough for a ledger row. */
    public static final int DEFAULT_MAX = 1024;

    private StoredText() {
    }

    public static String clean(String text) {
        return clean(text, DEFAULT_MAX);
    }

    public static String clean(String text, int max) {
        if (text == null) {
            return null;
        }
        boolean dirty = text.length() > max;
        for (int i = 0; i < text.length() && !dirty; i++) {
            dirty = unwanted(text.charAt(i));
        }
        if (!dirty) {
            return text;
        }
        int end = Math.min(text.length(), max);
        if (end < text.length() && end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        StringBuilder out = new StringBuilder(end + 1);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            out.append(unwanted(c) ? '\uFFFD' : c);
        }
        if (end < text.length()) {
            out.append('…');
        }
        return out.toString();
    }

    private static boolean unwanted(char c) {
        return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c < 0xa0);
    }
}
