package dev.sparkd.simulator.ssh;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line the way a POSIX shell's lexer does (XCU 2.2 Quoting, 2.3 Token Recognition), so what a client
 * quoted arrives as the argument it meant: single quotes keep everything literally, double quotes keep everything
 * except that a backslash still escapes {@code $ ` " \} and newline, an unquoted backslash escapes any character.
 *
 * <p>It is not a shell: it expands nothing. An unquoted or double-quoted {@code $name}, {@code $(…)} or backtick is
 * reported as unsupported instead of being passed through literally, because on a real Spark the shell would expand it
 * — a client that forgets to quote a {@code $} must fail here, not only in production.
 */
public final class ShellWords {
    public enum Kind { WORD, OPERATOR, IO_NUMBER }

    /** One lexical token; {@code IO_NUMBER} is the {@code 2} in {@code 2>&1}. */
    public record Token(Kind kind, String text) {
        static Token word(String text) {
            return new Token(Kind.WORD, text);
        }
    }

    /** A line the lexer rejects, with the message dash would print and its exit status (2). */
    public static final class SyntaxError extends Exception {
        public SyntaxError(String message) {
            super(message);
        }
    }

    private static final String OPERATOR_CHARS = "|&;<>()";
    private static final List<String> OPERATORS = List.of("&&", "||", ";;", ">>", ">&", "<&", "<<", ">|", "<>",
            "|", "&", ";", "<", ">", "(", ")");

    private ShellWords() {
    }

    public static List<Token> tokenize(String line) throws SyntaxError {
        List<Token> out = new ArrayList<>();
        StringBuilder word = null;
        boolean quoted = false;
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n') {
                if (word != null) {
                    out.add(Token.word(word.toString()));
                    word = null;
                    quoted = false;
                }
                i++;
            } else if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new SyntaxError("Syntax error: Unterminated quoted string");
                }
                word = word == null ? new StringBuilder() : word;
                word.append(line, i + 1, end);
                quoted = true;
                i = end + 1;
            } else if (c == '"') {
                word = word == null ? new StringBuilder() : word;
                quoted = true;
                i++;
                while (true) {
                    if (i >= n) {
                        throw new SyntaxError("Syntax error: Unterminated quoted string");
                    }
                    char d = line.charAt(i);
                    if (d == '"') {
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < n && "$`\"\\\n".indexOf(line.charAt(i + 1)) >= 0) {
                        if (line.charAt(i + 1) != '\n') {
                            word.append(line.charAt(i + 1));
                        }
                        i += 2;
                    } else if (d == '`' || (d == '$' && expands(line, i))) {
                        throw unsupportedExpansion(line, i);
                    } else {
                        word.append(d);
                        i++;
                    }
                }
            } else if (c == '\\') {
                word = word == null ? new StringBuilder() : word;
                quoted = true;
                if (i + 1 < n) {
                    if (line.charAt(i + 1) != '\n') {
                        word.append(line.charAt(i + 1));
                    }
                    i += 2;
                } else {
                    word.append('\\');
                    i++;
                }
            } else if (c == '`' || (c == '$' && expands(line, i))) {
                throw unsupportedExpansion(line, i);
            } else if (OPERATOR_CHARS.indexOf(c) >= 0) {
                if (word != null) {
                    boolean ioNumber = (c == '<' || c == '>') && !quoted && word.toString().chars().allMatch(Character::isDigit);
                    out.add(new Token(ioNumber ? Kind.IO_NUMBER : Kind.WORD, word.toString()));
                    word = null;
                    quoted = false;
                }
                String op = String.valueOf(c);
                for (String candidate : OPERATORS) {
                    if (line.startsWith(candidate, i)) {
                        op = candidate;
                        break;
                    }
                }
                out.add(new Token(Kind.OPERATOR, op));
                i += op.length();
            } else if (c == '#' && word == null) {
                break; // a comment runs to the end of the line
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
                i++;
            }
        }
        if (word != null) {
            out.add(Token.word(word.toString()));
        }
        return out;
    }

    /** Only the words; throws if the line holds any operator. Handy for nested {@code sh -c} strings. */
    public static List<String> words(String line) throws SyntaxError {
        List<String> words = new ArrayList<>();
        for (Token t : tokenize(line)) {
            if (t.kind() != Kind.WORD) {
                throw new SyntaxError("sparkd simulator: unsupported shell syntax `" + t.text() + "'");
            }
            words.add(t.text());
        }
        return words;
    }

    /** Quotes {@code s} so a POSIX shell reads it back as one word (the inverse of {@link #tokenize}). */
    public static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** {@code $} starts an expansion when followed by a name, a digit, a special parameter, {@code {} or {@code (}. */
    private static boolean expands(String line, int i) {
        if (i + 1 >= line.length()) {
            return false;
        }
        char next = line.charAt(i + 1);
        return Character.isLetterOrDigit(next) || "_{(@*#?$!-".indexOf(next) >= 0;
    }

    private static SyntaxError unsupportedExpansion(String line, int i) {
        int end = Math.min(line.length(), i + 12);
        return new SyntaxError("sparkd simulator: unsupported shell expansion at `" + line.substring(i, end)
                + "' (quote it; a real shell would expand it)");
    }
}
