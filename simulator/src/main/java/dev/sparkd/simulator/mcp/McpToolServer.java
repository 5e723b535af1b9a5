package dev.sparkd.simulator.mcp;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A small MCP tool server on stdio (newline-delimited JSON-RPC 2.0, protocol 2025-11-25 and the three versions
 * before it), so the demo's gateway has something to front without downloading anything. Three tools: {@code echo},
 * {@code add} and {@code utc_now}. Stdout carries only protocol messages; stderr is its log.
 *
 * <pre>java -cp "simulator/target/simulator.jar:simulator/target/lib/*" dev.sparkd.simulator.mcp.McpToolServer</pre>
 */
public final class McpToolServer {
    static final String LATEST = "2025-11-25";
    static final Set<String> SUPPORTED = Set.of(LATEST, "2025-06-18", "2025-03-26", "2024-11-05");
    private static final int MAX_LINE = 1024 * 1024;

    private final ObjectMapper json = new ObjectMapper();
    private final Clock clock;

    McpToolServer(Clock clock) {
        this.clock = clock;
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        // Anything else that writes to System.out would corrupt the protocol stream.
        System.setOut(System.err);
        new McpToolServer(Clock.systemUTC()).serve(System.in, out);
    }

    /** Answers each request line until {@code in} ends (the client closed our stdin: the stdio shutdown). */
    void serve(InputStream in, OutputStream out) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode reply = line.length() > MAX_LINE ? error(null, -32600, "message larger than " + MAX_LINE + " characters") : handle(line);
            if (reply != null) {
                out.write(json.writeValueAsBytes(reply));
                out.write('\n');
                out.flush();
            }
        }
    }

    /** The response to one message, or null for a notification. */
    JsonNode handle(String line) {
        JsonNode message;
        try {
            message = json.readTree(line);
        } catch (IOException e) {
            return error(null, -32700, "parse error: not JSON");
        }
        JsonNode id = message.get("id");
        String method = message.path("method").asText("");
        if (id == null || id.isNull()) {
            if (!method.startsWith("notifications/")) {
                System.err.println("mcp tool server: ignored a message without id: " + method);
            }
            return null;
        }
        JsonNode params = message.path("params");
        return switch (method) {
            case "initialize" -> result(id, initialize(params));
            case "ping" -> result(id, json.createObjectNode());
            case "tools/list" -> result(id, tools());
            case "tools/call" -> call(id, params);
            default -> error(id, -32601, "method not found: " + method);
        };
    }

    private ObjectNode initialize(JsonNode params) {
        String asked = params.path("protocolVersion").asText(LATEST);
        ObjectNode r = json.createObjectNode();
        r.put("protocolVersion", SUPPORTED.contains(asked) ? asked : LATEST);
        r.putObject("capabilities").putObject("tools").put("listChanged", false);
        r.putObject("serverInfo").put("name", "sparkd-simulator-tools").put("version", "1.0.0");
        r.put("instructions", "A simulated tool server of the sparkd demo: echo, add, utc_now.");
        return r;
    }

    private ObjectNode tools() {
        ObjectNode r = json.createObjectNode();
        ArrayNode tools = r.putArray("tools");
        tool(tools, "echo", "Returns the text it is given.", List.of(new Param("text", "string", "what to echo")));
        tool(tools, "add", "Adds two numbers.", List.of(new Param("a", "number", "first addend"), new Param("b", "number", "second addend")));
        tool(tools, "utc_now", "The current time in UTC (ISO 8601).", List.of());
        return r;
    }

    private record Param(String name, String type, String description) {
    }

    private void tool(ArrayNode tools, String name, String description, List<Param> params) {
        ObjectNode t = tools.addObject().put("name", name).put("description", description);
        ObjectNode schema = t.putObject("inputSchema").put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = schema.putArray("required");
        for (Param p : params) {
            properties.putObject(p.name()).put("type", p.type()).put("description", p.description());
            required.add(p.name());
        }
        schema.put("additionalProperties", false);
    }

    private JsonNode call(JsonNode id, JsonNode params) {
        String name = params.path("name").asText("");
        JsonNode args = params.path("arguments");
        return switch (name) {
            case "echo" -> args.path("text").isTextual() ? result(id, text(args.get("text").asText(), false))
                    : result(id, text("`text` must be a string", true));
            case "add" -> args.path("a").isNumber() && args.path("b").isNumber()
                    ? result(id, text(args.get("a").decimalValue().add(args.get("b").decimalValue()).stripTrailingZeros().toPlainString(), false))
                    : result(id, text("`a` and `b` must be numbers", true));
            case "utc_now" -> result(id, text(Instant.now(clock).toString(), false));
            default -> error(id, -32602, "unknown tool: " + name);
        };
    }

    /** A tool result; input errors are results with {@code isError}, so the model sees them (MCP tools spec). */
    private ObjectNode text(String text, boolean isError) {
        ObjectNode r = json.createObjectNode();
        r.putArray("content").addObject().put("type", "text").put("text", text);
        r.put("isError", isError);
        return r;
    }

    private ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode r = json.createObjectNode().put("jsonrpc", "2.0");
        r.set("id", id);
        r.set("result", result);
        return r;
    }

    private ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode r = json.createObjectNode().put("jsonrpc", "2.0");
        r.set("id", id == null ? json.nullNode() : id);
        r.putObject("error").put("code", code).put("message", message);
        return r;
    }
}
