package dev.sparkd.simulator.fault;

import dev.sparkd.simulator.config.WireNames;
import java.util.EnumSet;
import java.util.Set;

/** Every fault the simulator can inject, by the name the control API and the TOML use. */
public enum FaultType {
    /** The port is closed: clients get "connection refused". */
    DOWN(Scope.SERVICE),
    /** Connections are accepted, requests are read, nothing is ever answered. */
    HANG(Scope.SERVICE),
    /**
     * Every answer is delayed by {@code delay_ms}. On a service it delays HTTP answers; on a host it delays every
     * command run over SSH (a busy docker daemon, a hung mount).
     */
    SLOW(Scope.SERVICE, Scope.HOST),
    /** Every request is answered with {@code status} (default 500) and the server's error shape. */
    HTTP_5XX(Scope.SERVICE),
    /** Every request is answered 200 with a body that is not JSON. */
    GARBAGE(Scope.SERVICE),
    /** Streaming responses lose their connection after {@code after_chunks} chunks. */
    DROP_MID_STREAM(Scope.SERVICE),
    /**
     * A stream fails after {@code after_chunks} chunks with {@code message}, in the server's own shape: vLLM
     * {@code data: {"error":…}} then {@code [DONE]} (flat {@code {"object":"error"}} before 0.10.1), llama.cpp the
     * same without {@code [DONE]}, Ollama an {@code {"error":…}} line.
     */
    STREAM_ERROR(Scope.SERVICE),
    /** The server is loading for {@code seconds}: vLLM and Ollama keep the port closed, llama.cpp answers 503. */
    LOADING(Scope.SERVICE),
    /**
     * vLLM's engine died: /health answers 503 and inference fails with 500; within {@code exit_after_s} (5, the
     * launcher's watchdog) the server exits, unless {@code keep_alive_on_engine_death} is true.
     */
    ENGINE_DEAD(Scope.SERVICE),
    /** Ollama pulls fail once {@code percent} of the bytes are downloaded. */
    PULL_FAIL_AT(Scope.SERVICE),
    /** The host's models disk is full. */
    DISK_FULL(Scope.HOST),
    /** The host's GPU runs hot ({@code celsius}, default 95), as nvidia-smi over SSH shows it. */
    GPU_HOT(Scope.HOST);

    public enum Scope { SERVICE, HOST }

    private final Set<Scope> scopes;

    FaultType(Scope first, Scope... more) {
        this.scopes = EnumSet.of(first, more);
    }

    /** Whether this fault can be set on a service, or on a host. */
    public boolean appliesTo(Scope scope) {
        return scopes.contains(scope);
    }

    public String wireName() {
        return WireNames.of(this);
    }

    public static FaultType parse(String text) {
        return WireNames.find(values(), text).orElseThrow(() -> new IllegalArgumentException("unknown fault type '" + text + "'"));
    }
}
