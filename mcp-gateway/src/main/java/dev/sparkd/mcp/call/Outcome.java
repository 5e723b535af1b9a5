package dev.sparkd.mcp.call;

import java.util.Locale;

/** How a {@code tools/call} ended; the {@code outcome} label of metrics and the audit log. */
public enum Outcome {
    /** the upstream answered with a result */
    OK,
    /** the upstream answered with {@code isError: true} (e.g. the filesystem server refused a path) */
    TOOL_ERROR,
    /** the key may not call this tool */
    DENIED,
    /** a key or tool rate limit was exceeded */
    RATE_LIMITED,
    /** the arguments exceed the server's {@code max_argument_size} */
    TOO_LARGE,
    /** the upstream is not ready (starting, restarting, failed) */
    UNAVAILABLE,
    /** no answer within the server's {@code call_timeout} */
    TIMEOUT,
    /** the upstream answered with a JSON-RPC error or the transport failed */
    ERROR;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
