package dev.sparkd.core.ollama;

/** Ollama answered 404: the named model is not installed. */
public class OllamaModelNotFoundException extends OllamaException {

    private final String modelName;

    /** Creates the exception for {@code modelName}. */
    public OllamaModelNotFoundException(String modelName, String message, String upstreamMessage) {
        super(Kind.STATUS, 404, message, upstreamMessage);
        this.modelName = modelName;
    }

    /** The model name that was asked for. */
    public String modelName() {
        return modelName;
    }
}
