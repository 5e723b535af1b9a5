package dev.sparkd.router.ledger;

import java.time.Instant;

/**
 * One answered request, as written to {@code router.ledger}.
 *
 * @param keyId    the API key's id, {@code "-"} for keyless loopback access
 * @param outcome  ok | upstream_error | stream_error | timeout | no_backend | budget | rejected | client_closed
 * @param fallbacks targets tried before the one that answered, with the reason, e.g. {@code vllm-1(connect)}
 */
public record LedgerEntry(Instant at, String requestId, String endpoint, String route, String target, String provider,
        String keyId, int status, String outcome, String error, long promptTokens, long completionTokens, double costUsd,
        double latencyMs, Double ttftMs, boolean stream, int attempts, String fallbacks) {

    /** Field names, numbers, time and entry id of the JSON line (measured: 341 bytes); the strings vary. */
    private static final int FIXED_JSON_BYTES = 340;

    /** About the length of this entry's spill line, without writing it: what it counts against the ledger's memory bound. */
    public long encodedSizeEstimate() {
        return FIXED_JSON_BYTES + len(requestId) + len(endpoint) + len(route) + len(target) + len(provider) + len(keyId)
                + len(outcome) + len(error) + len(fallbacks);
    }

    private static int len(String s) {
        return s == null ? 0 : s.length();
    }
}
