package dev.sparkd.router.ledger;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A row of {@code router.ledger}, for the usage and spend queries. Rows are written by {@link LedgerRepository#insertAll}
 * with plain SQL (idempotent per entry id), never through this entity.
 */
@Entity
@Table(name = "ledger")
public class LedgerRow {
    @Id
    Long id;

    @Column(nullable = false)
    OffsetDateTime at;
    @Column(name = "request_id", nullable = false)
    String requestId;
    @Column(nullable = false)
    String endpoint;
    String route;
    String target;
    String provider;
    @Column(name = "key_id", nullable = false)
    String keyId;
    int status;
    @Column(nullable = false)
    String outcome;
    String error;
    @Column(name = "prompt_tokens")
    long promptTokens;
    @Column(name = "completion_tokens")
    long completionTokens;
    @Column(name = "cost_usd")
    double costUsd;
    @Column(name = "latency_ms")
    double latencyMs;
    @Column(name = "ttft_ms")
    Double ttftMs;
    boolean stream;
    int attempts;
    String fallbacks;

    protected LedgerRow() {
    }
}
