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
}
