package dev.sparkd.core.ssh;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one function that turns a string into a single POSIX-shell word.
 *
 * <p>Every piece of a remote command passes through {@link #quote(String)}; nothing else in sparkd
 * builds shell text. Single quotes are used because inside them the shell interprets nothing at
 * all — no {@code $}, backticks, backslashes or newlines — so the only character that needs care
 * is the single quote itself, which is written as {@code '"'"'} (close, double-quoted quote,
 * reopen).
 */
public final class ShellQuote {

    /** Words made only of these characters mean the same quoted or not; left bare for readability. */
    private static final Pattern NEEDS_NO_QUOTES = Pattern.compile("[A-Za-z0-9_@%+:,./-]+");

    private ShellQuote() {
    }

    /**
     * Returns {@code value} as one shell word that a POSIX shell turns back into exactly
     * {@code value}.
     *
     * @throws IllegalArgumentException if {@code value} contains NUL, which no process argument can
     *     carry
     */
    public static String quote(String value) {
        Objects.requireNonNull(value, "value");
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a shell word cannot contain a NUL character");
        }
        if (value.isEmpty()) {
            return "''";
        }
        if (NEEDS_NO_QUOTES.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("'", "'\"'\"'") + "'";
    }
}
