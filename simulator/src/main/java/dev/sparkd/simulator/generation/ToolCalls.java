package dev.sparkd.simulator.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Deterministic tool calls for OpenAI-style chat requests ({@code tools: [{type: function, function: {name,
 * parameters}}]}), as a tool-calling model served with automatic tool choice answers: a declared tool the last user
 * message names, or the one {@code tool_choice} forces ({@code required}: the first), called with every required
 * parameter filled in. A conversation whose last message is a tool result gets a text answer, so a round trip ends.
 */
public final class ToolCalls {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A call: the function and its arguments as the JSON text the model writes, in a few fragments for streams. */
    public record Call(String name, String arguments, List<String> fragments) {
    }

    private ToolCalls() {
    }

    /** The call the model makes for this request, or null for a text answer. */
    public static Call choose(JsonNode body, String lastUserText) {
        JsonNode tools = body.get("tools");
        JsonNode messages = body.path("messages");
        if (tools == null || !tools.isArray() || tools.isEmpty()
                || (messages.size() > 0 && "tool".equals(messages.get(messages.size() - 1).path("role").asText()))) {
            return null;
        }
        JsonNode choice = body.path("tool_choice");
        String mode = choice.isObject() ? "named" : choice.asText("auto");
        if (mode.equals("none")) {
            return null;
        }
        String prompt = lastUserText == null ? "" : lastUserText.toLowerCase(Locale.ROOT);
        for (JsonNode t : tools) {
            JsonNode f = t.path("function");
            String name = f.path("name").asText();
            boolean forced = mode.equals("named") && name.equals(choice.path("function").path("name").asText());
            if (forced || (!mode.equals("named") && !name.isEmpty() && prompt.contains(name.toLowerCase(Locale.ROOT)))) {
                return call(f);
            }
        }
        return mode.equals("required") ? call(tools.get(0).path("function")) : null;
    }

    private static Call call(JsonNode function) {
        ObjectNode args = JSON.createObjectNode();
        JsonNode schema = function.path("parameters");
        JsonNode props = schema.path("properties");
        for (JsonNode required : schema.path("required")) {
            String name = required.asText();
            JsonNode p = props.path(name);
            switch (p.path("type").asText("string")) {
                case "integer", "number" -> args.put(name, 1);
                case "boolean" -> args.put(name, true);
                case "array" -> args.putArray(name);
                case "object" -> args.putObject(name);
                default -> args.put(name, p.has("enum") ? p.get("enum").get(0).asText() : "San Francisco, CA");
            }
        }
        String text = args.toString();
        List<String> fragments = new ArrayList<>();
        int step = Math.max(1, (text.length() + 2) / 3);
        for (int i = 0; i < text.length(); i += step) {
            fragments.add(text.substring(i, Math.min(text.length(), i + step)));
        }
        return new Call(function.path("name").asText(), text, fragments);
    }
}
