package dev.sparkd.health.probe;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Gatus' condition language for {@code http} services (TwiN/gatus {@code config/endpoint/condition.go}):
 * {@code [STATUS] == 200}, {@code [BODY].data[0].name == pat(llama*)}, {@code len([BODY].models) > 0},
 * {@code has([BODY].error) == false}, {@code [RESPONSE_TIME] < 300} (milliseconds),
 * {@code [CERTIFICATE_EXPIRATION] > 48h}, {@code [STATUS] == any(200, 204)}, {@code [CONNECTED] == true}.
 * Operators are {@code == != <= >= < >}, written with spaces around them. Every condition must hold.
 */
public final class Conditions {
    private static final String[] OPERATORS = ConditionSyntax.OPERATORS;
    private static final Pattern FUNCTION = Pattern.compile("(len|has|pat|any)\\((.*)\\)");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PLACEHOLDERS = List.of("[STATUS]", "[RESPONSE_TIME]", "[BODY]", "[CONNECTED]",
            "[CERTIFICATE_EXPIRATION]", "[IP]");

    private Conditions() {
    }

    /** What a condition is checked against. {@code certificateRemaining} is null for plain HTTP. */
    public record Context(boolean connected, int status, String body, Duration responseTime, Duration certificateRemaining) {
    }

    /** A condition's outcome, with the condition written out with resolved values, as Gatus shows it. */
    public record Outcome(boolean success, String resolved) {
    }

    /** A problem with the condition's syntax, or null when it is well-formed. */
    public static String check(String condition) {
        return ConditionSyntax.check(condition);
    }

    public static List<Outcome> evaluate(List<String> conditions, Context context) {
        List<Outcome> out = new ArrayList<>();
        for (String c : conditions) {
            out.add(evaluate(c, context));
        }
        return out;
    }

    public static Outcome evaluate(String condition, Context ctx) {
        String op = operator(condition);
        if (op == null) {
            return new Outcome(false, condition + " (invalid)");
        }
        int at = condition.indexOf(op);
        String leftText = condition.substring(0, at).strip();
        String rightText = condition.substring(at + op.length()).strip();
        Resolved left = resolve(leftText, ctx);
        String operator = op.strip();

        Matcher f = FUNCTION.matcher(rightText);
        boolean success;
        String rightShown = rightText;
        if (f.matches() && f.group(1).equals("pat")) {
            success = glob(f.group(2).strip()).matcher(left.value).matches();
            success = operator.equals("==") == success;
        } else if (f.matches() && f.group(1).equals("any")) {
            boolean any = false;
            for (String option : f.group(2).split(",")) {
                any |= equal(left.value, literal(option.strip(), leftText));
            }
            success = operator.equals("==") == any;
        } else {
            Resolved right = resolve(rightText, ctx);
            if (right.placeholder) {
                rightShown = rightText + " (" + right.value + ")";
            }
            String r = right.placeholder ? right.value : literal(rightText, leftText);
            success = compare(left.value, operator, r);
        }
        String leftShown = left.placeholder ? leftText + " (" + left.value + ")" : leftText;
        return new Outcome(success, leftShown + " " + operator + " " + rightShown);
    }

    private record Resolved(String value, boolean placeholder) {
    }

    private static Resolved resolve(String text, Context ctx) {
        Matcher f = FUNCTION.matcher(text);
        if (f.matches() && (f.group(1).equals("len") || f.group(1).equals("has"))) {
            Optional<JsonNode> node = bodyPath(f.group(2).strip(), ctx);
            if (f.group(1).equals("has")) {
                return new Resolved(Boolean.toString(node.isPresent() && !node.get().isMissingNode()), true);
            }
            if (node.isEmpty()) {
                return new Resolved(f.group(2).strip().equals("[BODY]") ? Integer.toString(ctx.body().length()) : "0", true);
            }
            JsonNode n = node.get();
            int len = n.isArray() || n.isObject() ? n.size() : (n.isTextual() ? n.asText().length() : n.toString().length());
            return new Resolved(Integer.toString(len), true);
        }
        if (text.equals("[STATUS]")) {
            return new Resolved(Integer.toString(ctx.status()), true);
        }
        if (text.equals("[RESPONSE_TIME]")) {
            return new Resolved(Long.toString(ctx.responseTime() == null ? 0 : ctx.responseTime().toMillis()), true);
        }
        if (text.equals("[CONNECTED]")) {
            return new Resolved(Boolean.toString(ctx.connected()), true);
        }
        if (text.equals("[CERTIFICATE_EXPIRATION]")) {
            return new Resolved(Long.toString(ctx.certificateRemaining() == null ? 0 : Math.max(0, ctx.certificateRemaining().toMillis())), true);
        }
        if (text.equals("[BODY]")) {
            return new Resolved(ctx.body() == null ? "" : ctx.body().strip(), true);
        }
        if (text.startsWith("[BODY]")) {
            Optional<JsonNode> node = bodyPath(text, ctx);
            if (node.isEmpty()) {
                return new Resolved("(missing)", true);
            }
            JsonNode n = node.get();
            return new Resolved(n.isValueNode() ? n.asText() : n.toString(), true);
        }
        return new Resolved(text, false);
    }

    /** {@code [BODY].a.b[0].c} → the node, empty when the body is not JSON or the path is absent. */
    static Optional<JsonNode> bodyPath(String path, Context ctx) {
        if (!path.startsWith("[BODY]")) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = JSON.readTree(ctx.body() == null ? "" : ctx.body());
        } catch (Exception e) {
            return Optional.empty();
        }
        if (node == null) {
            return Optional.empty();
        }
        String rest = path.substring("[BODY]".length());
        Matcher part = Pattern.compile("\\.([^.\\[]+)|\\[(\\d+)]").matcher(rest);
        int end = 0;
        while (part.find()) {
            if (part.start() != end) {
                return Optional.empty();
            }
            end = part.end();
            node = part.group(1) != null ? node.get(part.group(1)) : node.get(Integer.parseInt(part.group(2)));
            if (node == null) {
                return Optional.empty();
            }
        }
        return end == rest.length() ? Optional.of(node) : Optional.empty();
    }

    /** A literal on the right: durations become milliseconds when compared with a time placeholder. */
    private static String literal(String text, String left) {
        if ((left.contains("[CERTIFICATE_EXPIRATION]") || left.contains("[RESPONSE_TIME]"))) {
            Matcher d = DURATION.matcher(text);
            if (d.matches()) {
                BigDecimal n = new BigDecimal(d.group(1));
                long factor = switch (d.group(2)) {
                    case "ms" -> 1;
                    case "s" -> 1000;
                    case "m" -> 60_000;
                    case "h" -> 3_600_000;
                    default -> 86_400_000;
                };
                return n.multiply(BigDecimal.valueOf(factor)).toBigInteger().toString();
            }
        }
        return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"") ? text.substring(1, text.length() - 1) : text;
    }

    private static boolean compare(String left, String op, String right) {
        BigDecimal l = number(left);
        BigDecimal r = number(right);
        if (l != null && r != null) {
            int c = l.compareTo(r);
            return switch (op) {
                case "==" -> c == 0;
                case "!=" -> c != 0;
                case "<=" -> c <= 0;
                case ">=" -> c >= 0;
                case "<" -> c < 0;
                default -> c > 0;
            };
        }
        return switch (op) {
            case "==" -> equal(left, right);
            case "!=" -> !equal(left, right);
            default -> false;
        };
    }

    private static boolean equal(String a, String b) {
        BigDecimal l = number(a);
        BigDecimal r = number(b);
        return l != null && r != null ? l.compareTo(r) == 0 : a.equals(b);
    }

    private static BigDecimal number(String s) {
        try {
            return new BigDecimal(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Pattern glob(String pattern) {
        // split drops nothing with limit -1: n pieces ⇒ n-1 stars between them
        String[] pieces = pattern.split("\\*", -1);
        StringBuilder exact = new StringBuilder();
        for (int i = 0; i < pieces.length; i++) {
            if (i > 0) {
                exact.append(".*");
            }
            exact.append(Pattern.quote(pieces[i]));
        }
        return Pattern.compile(exact.toString(), Pattern.DOTALL);
    }

    private static String operator(String condition) {
        for (String op : OPERATORS) {
            if (condition.contains(op)) {
                return op;
            }
        }
        return null;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
