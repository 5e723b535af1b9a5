package dev.sparkd.router.proxy;

/**
 * An error in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, plus the backend that failed and
 * the request id, so a client SDK parses it and an operator can find the log line.
 */
public record OpenAiError(int status, String type, String code, String param, String message, String backend) {

    public String json(String requestId) {
        StringBuilder b = new StringBuilder(160 + message.length());
        b.append("{\"error\":{\"message\":");
        Json.quote(b, message);
        b.append(",\"type\":");
        Json.quote(b, type);
        b.append(",\"param\":");
        Json.quote(b, param);
        b.append(",\"code\":");
        Json.quote(b, code);
        b.append(",\"backend\":");
        Json.quote(b, backend);
        b.append(",\"request_id\":");
        Json.quote(b, requestId);
        return b.append("}}").toString();
    }

    static OpenAiError invalid(String message, String param, String code) {
        return new OpenAiError(400, "invalid_request_error", code, param, message, null);
    }
}
