package dev.sparkd.simulator.ssh;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON written the way Go's {@code encoding/json} writes it, which is what docker prints: {@code <}, {@code >} and
 * {@code &} escaped as {@code \u003c} etc. (so a port mapping reads {@code "0.0.0.0:8000-\u003e8000/tcp"}),
 * {@code MarshalIndent}'s layout for {@code docker inspect} (4-space indent, {@code "key": value}, empty containers as
 * {@code []}/{@code {}}), and no spaces at all in compact form ({@code {{json .}}}).
 */
final class GoJson {
    private GoJson() {
    }

    static String compact(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out, null, "");
        return out.toString();
    }

    static String indent(JsonNode node, String indent) {
        StringBuilder out = new StringBuilder();
        write(node, out, indent, "");
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out, String indent, String prefix) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isTextual()) {
            string(node.textValue(), out);
        } else if (node.isNumber() || node.isBoolean()) {
            out.append(node.asText());
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            String inner = indent == null ? "" : prefix + indent;
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                newline(out, indent, inner);
                write(node.get(i), out, indent, inner);
            }
            newline(out, indent, prefix);
            out.append(']');
        } else {
            if (node.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            String inner = indent == null ? "" : prefix + indent;
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!first) {
                    out.append(',');
                }
                first = false;
                newline(out, indent, inner);
                string(e.getKey(), out);
                out.append(indent == null ? ":" : ": ");
                write(e.getValue(), out, indent, inner);
            }
            newline(out, indent, prefix);
            out.append('}');
        }
    }

    private static void newline(StringBuilder out, String indent, String prefix) {
        if (indent != null) {
            out.append('\n').append(prefix);
        }
    }

    static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
