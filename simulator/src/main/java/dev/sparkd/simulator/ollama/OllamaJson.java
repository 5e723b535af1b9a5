package dev.sparkd.simulator.ollama;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.simulator.config.OllamaModelSpec;
import dev.sparkd.simulator.http.Json;

/** Shapes shared by several Ollama endpoints (ollama/ollama {@code api/types.go}). */
final class OllamaJson {
    private OllamaJson() {
    }

    /** {@code ModelDetails}: every field present, {@code parent_model} empty for pulled models. */
    static ObjectNode details(OllamaModelSpec spec) {
        ObjectNode d = Json.object();
        d.put("parent_model", "");
        d.put("format", "gguf");
        d.put("family", spec.family());
        d.putArray("families").add(spec.family());
        d.put("parameter_size", spec.parameterSize());
        d.put("quantization_level", spec.quantization());
        return d;
    }

    static ObjectNode error(String message) {
        ObjectNode e = Json.object();
        e.put("error", message);
        return e;
    }

    /** The OpenAI-compatible error (openai/openai.go NewError): type by status, {@code param} and {@code code} null. */
    static ObjectNode openAiError(int status, String message) {
        ObjectNode info = Json.object();
        info.put("message", message);
        info.put("type", status == 400 ? "invalid_request_error" : status == 404 ? "not_found_error" : "api_error");
        info.putNull("param");
        info.putNull("code");
        ObjectNode e = Json.object();
        e.set("error", info);
        return e;
    }
}
