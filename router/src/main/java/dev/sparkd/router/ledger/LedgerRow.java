package dev.sparkd.router.ledger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/**
 * A {@link LedgerEntry} as a row of {@code router.ledger}. Ids come from the table's sequence 500 at a time (migration
 * V2 sets its increment to match), so a batch of rows is inserted in one round trip instead of one per row.
 */
@Entity
@Table(name = "ledger")
public class LedgerRow {
    static final int ID_BLOCK = 500;

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "ledger_id")
    @SequenceGenerator(name = "ledger_id", sequenceName = "ledger_id_seq", allocationSize = ID_BLOCK)
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

    LedgerRow(LedgerEntry e) {
        at = OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC);
        requestId = e.requestId();
        endpoint = e.endpoint();
        route = e.route();
        target = e.target();
        provider = e.provider();
        keyId = e.keyId();
        status = e.status();
        outcome = e.outcome();
        error = e.error();
        promptTokens = e.promptTokens();
        completionTokens = e.completionTokens();
        costUsd = e.costUsd();
        latencyMs = e.latencyMs();
        ttftMs = e.ttftMs();
        stream = e.stream();
        attempts = e.attempts();
        fallbacks = e.fallbacks();
    }
}
