package dev.sparkd.router.proxy;

import java.util.Locale;

/** The OpenAI routes the router proxies, with their upstream API path. */
public enum Endpoint {
    CHAT("/chat/completions", true),
    COMPLETIONS("/completions", true),
    EMBEDDINGS("/embeddings", false);

    final String path;
    final boolean streams;
    private final String ledgerName = name().toLowerCase(Locale.ROOT);

    Endpoint(String path, boolean streams) {
        this.path = path;
        this.streams = streams;
    }

    public String path() {
        return path;
    }

    /** {@code chat}, {@code completions}, {@code embeddings}: as the ledger and the access log write it. */
    public String ledgerName() {
        return ledgerName;
    }
}
