package dev.sparkd.router.proxy;

/** The OpenAI routes the router proxies, with their upstream API path. */
public enum Endpoint {
    CHAT("/chat/completions", true),
    COMPLETIONS("/completions", true),
    EMBEDDINGS("/embeddings", false);

    final String path;
    final boolean streams;

    Endpoint(String path, boolean streams) {
        this.path = path;
        this.streams = streams;
    }

    public String path() {
        return path;
    }
}
