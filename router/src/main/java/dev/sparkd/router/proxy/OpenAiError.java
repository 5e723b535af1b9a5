package dev.sparkd.router.proxy;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * An error in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, plus the backend that failed and
 * the request id, so a client SDK parses it and an operator can find the log line.
 */
public record OpenAiError(int status, String type, String code, String param, String message, String backend) {
    private static final JsonFactory JSON = new JsonFactory();

    public String json(String requestId) {
        StringWriter out = new StringWriter(160 + message.length());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", message);
            g.writeStringField("type", type);
            g.writeStringField("param", param);
            g.writeStringField("code", code);
            g.writeStringField("backend", backend);
            g.writeStringField("request_id", requestId);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    static OpenAiError invalid(String message, String param, String code) {
        return new OpenAiError(400, "invalid_request_error", code, param, message, null);
    }

    /** The same error with a status a client may retry on: upstream 5xx other than 503/504 become 502. */
    OpenAiError asGateway() {
        return status >= 500 && status != 503 && status != 504 ? new OpenAiError(502, type, code, param, message, backend) : this;
    }
}
