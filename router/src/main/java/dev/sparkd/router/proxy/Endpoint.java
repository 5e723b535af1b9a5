package dev.sparkd.router.proxy;

import java.util.Locale;

import dev.sparkd.core.config.ServiceKind;
import dev.sparkd.router.config.RouterSettings.Kind;
import dev.sparkd.router.target.Target;

/** The routes the router proxies, with their upstream API path and what sets each apart. */
public enum Endpoint {
    CHAT("/chat/completions", true, Kind.CHAT),
    COMPLETIONS("/completions", true, Kind.CHAT),
    EMBEDDINGS("/embeddings", false, Kind.CHAT),
    /** Anthropic's Messages API: answered in Anthropic's shape, served by chat backends through a translation. */
    MESSAGES("/chat/completions", true, Kind.CHAT),
    /** Anthropic's token count: passed to Anthropic targets, asked of vLLM's {@code /tokenize}; other servers cannot. */
    COUNT_TOKENS("/tokenize", false, Kind.CHAT),
    RERANK("/rerank", false, Kind.RERANK),
    /** A multipart upload, passed through as it came; the answer too (JSON, text, subtitles or a stream). */
    TRANSCRIPTIONS("/audio/transcriptions", false, Kind.AUDIO),
    /** JSON in, audio bytes out, streamed through. */
    SPEECH("/audio/speech", false, Kind.AUDIO);

    final String path;
    final boolean streams;
    final Kind kind;
    private final String ledgerName = name().toLowerCase(Locale.ROOT);

    Endpoint(String path, boolean streams, Kind kind) {
        this.path = path;
        this.streams = streams;
        this.kind = kind;
    }

    public String path() {
        return path;
    }

    public Kind kind() {
        return kind;
    }

    /** {@code chat}, {@code completions}, {@code embeddings}, …: as the ledger and the access log write it. */
    public String ledgerName() {
        return ledgerName;
    }

    /** Whether the client speaks Anthropic's dialect (its errors and streams are Anthropic's). */
    boolean anthropicClient() {
        return this == MESSAGES || this == COUNT_TOKENS;
    }

    /** Whether an Anthropic provider can serve it (through a translation or as it is). */
    boolean anthropicTargets() {
        return this == CHAT || this == MESSAGES || this == COUNT_TOKENS;
    }

    /** Whether a target of this provider can answer it. */
    boolean servedBy(Target t) {
        return this != COUNT_TOKENS || t.upstream().anthropic() || t.upstream().kind() == ServiceKind.VLLM;
    }

    /** Only ever sent to local targets, whatever the route and the key say. */
    boolean localOnly() {
        return kind != Kind.CHAT;
    }

    /** The request body is not JSON: it goes upstream byte for byte. */
    boolean rawRequest() {
        return this == TRANSCRIPTIONS;
    }

    /** The answer goes to the client as it comes, whatever its type. */
    boolean rawResponse() {
        return kind == Kind.AUDIO;
    }
}
