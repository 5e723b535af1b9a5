package dev.sparkd.core.ollama;

import dev.sparkd.core.http.UpstreamException;

/** Ollama answered with an error, either as an HTTP status or as an {@code {"error":…}} line in a stream. */
public class OllamaException extends UpstreamException {

    /** Creates an exception carrying Ollama's own error text. */
    public OllamaException(Kind kind, int status, String message, String upstreamMessage) {
        super(kind, status, message, upstreamMessage);
    }
}
