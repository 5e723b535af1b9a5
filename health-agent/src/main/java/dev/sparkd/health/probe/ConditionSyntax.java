package dev.sparkd.health.probe;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The syntax check of {@link Conditions}, without Jackson: the config schema runs in {@code sparkd check}, whose
 * class path has only the config libraries.
 */
public final class ConditionSyntax {
    static final String[] OPERATORS = {" == ", " != ", " <= ", " >= ", " > ", " < "};
    private static final Pattern FUNCTION = Pattern.compile("(len|has|pat|any)\\((.*)\\)");
    private static final List<String> PLACEHOLDERS = List.of("[STATUS]", "[RESPONSE_TIME]", "[BODY]", "[CONNECTED]",
            "[CERTIFICATE_EXPIRATION]", "[IP]");

    private ConditionSyntax() {
    }

    /** A problem with the condition's syntax, or null when it is well-formed. */
    public static String check(String condition) {
        String op = operator(condition);
        if (op == null) {
            return "no operator in \"" + condition + "\": use one of == != <= >= < > with a space on each side";
        }
        int at = condition.indexOf(op);
        String left = condition.substring(0, at).strip();
        String right = condition.substring(at + op.length()).strip();
        if (left.isEmpty() || right.isEmpty()) {
            return "\"" + condition + "\" needs a value on both sides of" + op;
        }
        for (String side : List.of(left, right)) {
            Matcher f = FUNCTION.matcher(side);
            String inner = f.matches() ? f.group(2).strip() : side;
            if (f.matches() && (f.group(1).equals("pat") || f.group(1).equals("any")) && !(op.equals(" == ") || op.equals(" != "))) {
                return f.group(1) + "() only works with == and != in \"" + condition + "\"";
            }
            if (inner.startsWith("[") && PLACEHOLDERS.stream().noneMatch(inner::startsWith)) {
                return "unknown placeholder in \"" + condition + "\": expected one of " + String.join(", ", PLACEHOLDERS);
            }
        }
        return null;
    }

    private static String operator(String condition) {
        for (String op : OPERATORS) {
            if (condition.contains(op)) {
                return op;
            }
        }
        return null;
    }
}
