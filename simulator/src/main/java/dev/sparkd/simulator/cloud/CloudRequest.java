package dev.sparkd.simulator.cloud;

import java.time.Instant;

/**
 * One request that reached a simulated cloud provider, as a test wants to assert it ("nothing went to the cloud",
 * "the fallback sent 12 prompt tokens with key …cdef"). The key is never stored: only its last four characters.
 *
 * @param time         when it arrived
 * @param provider     {@code openai} or {@code anthropic}
 * @param path         request path, e.g. {@code /v1/chat/completions}
 * @param model        the {@code model} the body asked for ({@code null} when absent or unparsable)
 * @param keyId        {@code …} plus the last 4 characters of the key presented, {@code null} when none was
 * @param status       the HTTP status answered
 * @param stream       whether a stream was asked for
 * @param inputTokens  prompt tokens counted (0 when rejected before counting)
 * @param outputTokens completion tokens produced (0 when rejected)
 */
public record CloudRequest(Instant time, String provider, String path, String model, String keyId, int status,
                           boolean stream, int inputTokens, int outputTokens) {

    /** {@code …abcd}: enough to tell keys apart in a log, never enough to use one. */
    static String keyId(String key) {
        if (key == null || key.isEmpty()) {
            return null;
        }
        return "\u2026" + (key.length() <= 4 ? key : key.substring(key.length() - 4));
    }
}
