package dev.sparkd.core.openai;

import dev.sparkd.core.http.UpstreamException;
import java.time.Duration;
import java.util.Optional;

/**
 * An OpenAI-compatible server answered with an error: {@code {"error":{"message","type","param","code"}}}
 * (OpenAI, vLLM ≥ 0.10.1, llama.cpp), the flat {@code {"object":"error","message",…}} of older vLLM,
 * or an {@code error} object inside a 200 stream. Never carries the caller's API key.
 */
public class OpenAiException extends UpstreamException {

    private final String type;
    private final String param;
    private final String code;
    private final Duration retryAfter;

    /** Creates the exception; {@code type}, {@code param}, {@code code} and {@code retryAfter} may be null. */
    public OpenAiException(Kind kind, int status, String message, String upstreamMessage,
                           String type, String param, String code, Duration retryAfter) {
        super(kind, status, message, upstreamMessage);
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** The error {@code type}, e.g. {@code invalid_request_error}, {@code BadRequestError}. */
    public String type() {
        return type;
    }

    /** The request parameter the error is about, if named. */
    public String param() {
        return param;
    }

    /** The error {@code code} as text (OpenAI sends strings, vLLM numbers), e.g. {@code invalid_api_key}. */
    public String code() {
        return code;
    }

    /** How long the server asked us to wait ({@code retry-after-ms} or {@code Retry-After} seconds). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
