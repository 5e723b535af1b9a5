package dev.sparkd.simulator.cloud;

/** Faults a simulated cloud provider can be switched into, for the router's fallback and retry tests. */
public enum CloudFault {
    /** Normal service. */
    NONE,
    /** Every request answers 500 with the provider's internal-error body. */
    SERVER_ERROR,
    /** Every request answers the provider's "overloaded" status (OpenAI 503, Anthropic 529). */
    OVERLOADED,
    /** Streams start normally (HTTP 200), then an error event arrives after the first tokens. */
    MID_STREAM_ERROR
}
