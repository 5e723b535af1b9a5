package dev.sparkd.simulator.ssh;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The part of Go's {@code text/template} that docker's {@code --format}/{@code -f} is used with in scripts: field
 * paths ({@code {{.State.Status}}}), {@code {{json .X}}} / {@code {{.X | json}}}, {@code lower}, {@code upper},
 * {@code println}, {@code index .X "key"}, and {@code {{-}}} whitespace trimming. Values print as Go's {@code %v}
 * would ({@code true}, {@code 137}, {@code map[k:v]}, {@code [a b]}). Control structures ({@code range}, {@code if})
 * are not implemented and fail loudly rather than print something a real docker would not.
 */
final class GoTemplate {
    /** A template docker would reject or that this subset cannot run; the message is what the user sees. */
    static final class TemplateException extends Exception {
        TemplateException(String message) {
            super(message);
        }
    }

    private GoTemplate() {
    }

    /**
     * @param strictType when non-null, a missing field is an error naming this Go type (docker ps formats a typed
     *                   struct); when null, it prints {@code <no value>} (docker inspect falls back to a raw map)
     */
    static String render(String template, JsonNode data, String strictType) throws TemplateException {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf("{{", i);
            if (open < 0) {
                out.append(template.substring(i));
                break;
            }
            int close = template.indexOf("}}", open + 2);
            if (close < 0) {
                throw new TemplateException("template parsing error: template: :1: unclosed action");
            }
            String text = template.substring(i, open);
            String action = template.substring(open + 2, close);
            if (action.startsWith("-") && (action.length() == 1 || Character.isWhitespace(action.charAt(1)))) {
                text = text.stripTrailing();
                action = action.substring(1);
            }
            int next = close + 2;
            if (action.endsWith("-") && (action.length() == 1 || Character.isWhitespace(action.charAt(action.length() - 2)))) {
                action = action.substring(0, action.length() - 1);
                while (next < template.length() && Character.isWhitespace(template.charAt(next))) {
                    next++;
                }
            }
            out.append(text);
            out.append(evaluate(action.trim(), data, strictType));
            i = next;
        }
        return out.toString();
    }

    private static String evaluate(String action, JsonNode data, String strictType) throws TemplateException {
        List<String> pipeline = new ArrayList<>();
        for (String stage : action.split("\\|")) {
            pipeline.add(stage.trim());
        }
        Object value = null;
        for (int s = 0; s < pipeline.size(); s++) {
            List<String> words = words(pipeline.get(s));
            if (words.isEmpty()) {
                throw new TemplateException("template parsing error: template: :1: missing value for command");
            }
            String head = words.get(0);
            List<Object> args = new ArrayList<>();
            for (String w : words.subList(head.startsWith(".") ? 0 : 1, words.size())) {
                args.add(w.startsWith("\"") ? w.substring(1, w.length() - 1) : resolve(w, data, strictType));
            }
            if (s > 0) {
                args.add(value);
            }
            if (head.startsWith(".")) {
                if (args.size() != 1) {
                    throw new TemplateException("template: :1: can't give argument to non-function " + head);
                }
                value = args.get(0);
                continue;
            }
            value = switch (head) {
                case "json" -> GoJson.compact(node(args, head));
                case "lower" -> print(node(args, head)).toLowerCase(Locale.ROOT);
                case "upper" -> print(node(args, head)).toUpperCase(Locale.ROOT);
                case "println" -> print(node(args, head)) + "\n";
                case "index" -> index(args);
                case "range", "if", "with", "end", "else", "define", "template", "block" -> throw new TemplateException(
                        "sparkd simulator: template action {{" + head + "}} is not supported");
                default -> throw new TemplateException("template parsing error: template: :1: function \"" + head + "\" not defined");
            };
        }
        return value instanceof JsonNode n ? print(n) : String.valueOf(value);
    }

    private static JsonNode node(List<Object> args, String function) throws TemplateException {
        if (args.size() != 1) {
            throw new TemplateException("template: :1: wrong number of args for " + function + ": want 1 got " + args.size());
        }
        Object a = args.get(0);
        return a instanceof JsonNode n ? n : com.fasterxml.jackson.databind.node.TextNode.valueOf(String.valueOf(a));
    }

    private static Object index(List<Object> args) throws TemplateException {
        if (args.size() != 2 || !(args.get(0) instanceof JsonNode container)) {
            throw new TemplateException("template: :1: wrong number of args for index");
        }
        JsonNode v = container.get(String.valueOf(args.get(1)));
        return v == null ? "<no value>" : v;
    }

    private static Object resolve(String path, JsonNode data, String strictType) throws TemplateException {
        if (!path.startsWith(".")) {
            throw new TemplateException("template parsing error: template: :1: function \"" + path + "\" not defined");
        }
        JsonNode cur = data;
        if (path.equals(".")) {
            return cur;
        }
        for (String part : path.substring(1).split("\\.")) {
            JsonNode next = cur == null ? null : cur.get(part);
            if (next == null) {
                if (strictType != null) {
                    throw new TemplateException("template: :1:" + 3 + ": executing \"\" at <" + path + ">: can't evaluate field "
                            + part + " in type " + strictType);
                }
                return "<no value>";
            }
            cur = next;
        }
        return cur;
    }

    /** Go's {@code %v} of a value decoded from JSON. */
    static String print(JsonNode n) {
        if (n == null || n.isNull()) {
            return "<nil>";
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isArray()) {
            List<String> parts = new ArrayList<>();
            n.forEach(e -> parts.add(print(e)));
            return "[" + String.join(" ", parts) + "]";
        }
        if (n.isObject()) {
            TreeMap<String, String> sorted = new TreeMap<>();
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                sorted.put(k, print(n.get(k)));
            }
            List<String> parts = new ArrayList<>();
            sorted.forEach((k, v) -> parts.add(k + ":" + v));
            return "map[" + String.join(" ", parts) + "]";
        }
        return n.asText();
    }

    /** Splits an action into words, keeping double-quoted strings (with their quotes) together. */
    private static List<String> words(String s) throws TemplateException {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                int end = s.indexOf('"', i + 1);
                if (end < 0) {
                    throw new TemplateException("template parsing error: template: :1: unterminated quoted string");
                }
                out.add(s.substring(i, end + 1));
                i = end + 1;
            } else {
                int end = i;
                while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
                    end++;
                }
                out.add(s.substring(i, end));
                i = end;
            }
        }
        return out;
    }
}
