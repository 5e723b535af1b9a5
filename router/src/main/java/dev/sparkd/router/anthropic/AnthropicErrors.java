package dev.sparkd.router.anthropic;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Errors in Anthropic's shape, {@code {"type":"error","error":{"type","message"},"request_id"}}, with the error type
 * Anthropic documents for the status (docs.claude.com/en/api/errors), so an Anthropic SDK raises the right exception.
 */
public final class AnthropicErrors {
    private static final JsonFactory JSON = new JsonFactory();

    private AnthropicErrors() {
    }

    public static String type(int status) {
        return switch (status) {
            case 400, 405, 409, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** The body of an error answer. */
    public static String json(int status, String message, String requestId) {
        StringWriter out = new StringWriter(96 + message.length());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "error");
            g.writeObjectFieldStart("error");
            g.writeStringField("type", type(status));
            g.writeStringField("message", message);
            g.writeEndObject();
            g.writeStringField("request_id", requestId);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** The {@code error} event that ends a stream which failed after it started. */
    public static String event(int status, String message, String requestId) {
        return "event: error\ndata: " + json(status, message, requestId) + "\n\n";
    }
}
