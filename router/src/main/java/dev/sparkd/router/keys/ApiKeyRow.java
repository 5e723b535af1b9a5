package dev.sparkd.router.keys;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An {@link ApiKey} as a row of {@code router.api_keys}: the key's SHA-256, never the key. */
@Entity
@Table(name = "api_keys")
public class ApiKeyRow {
    @Id
    String id;
    @Column(nullable = false)
    String name;
    @Column(nullable = false)
    String sha256;
    @Column(nullable = false)
    String[] routes;
    int rpm;
    @Column(name = "daily_usd")
    double dailyUsd;
    @Column(name = "monthly_usd")
    double monthlyUsd;
    @Column(name = "local_only")
    boolean localOnly;
    @Column(name = "created_at", nullable = false)
    OffsetDateTime createdAt;
    @Column(name = "revoked_at")
    OffsetDateTime revokedAt;

    protected ApiKeyRow() {
    }

    ApiKeyRow(ApiKey k) {
        id = k.id();
        name = k.name();
        sha256 = k.sha256();
        routes = k.routes().toArray(new String[0]);
        rpm = k.rpm();
        dailyUsd = k.dailyUsd();
        monthlyUsd = k.monthlyUsd();
        localOnly = k.localOnly();
        createdAt = OffsetDateTime.ofInstant(k.createdAt(), ZoneOffset.UTC);
        revokedAt = k.revokedAt() == null ? null : OffsetDateTime.ofInstant(k.revokedAt(), ZoneOffset.UTC);
    }

    ApiKey toKey() {
        return new ApiKey(id, name, sha256, Set.of(routes), rpm, dailyUsd, monthlyUsd, localOnly, createdAt.toInstant(),
                revokedAt == null ? null : revokedAt.toInstant());
    }
}
