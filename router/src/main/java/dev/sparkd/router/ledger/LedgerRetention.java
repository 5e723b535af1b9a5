package dev.sparkd.router.ledger;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.daemon.retention.Retained;
import dev.sparkd.router.config.RouterSettings;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code [router] ledger_retention}: ledger rows older than that go, but never a row of the current budget period
 * (budgets are per UTC day and UTC month, and their spend is summed from the ledger at start), so the cutoff is at
 * most the start of this UTC month.
 */
@ApplicationScoped
public class LedgerRetention implements Retained {
    private final LedgerRepository ledger;
    private final RouterSettings settings;

    public LedgerRetention(LedgerRepository ledger, SuiteConfig config) {
        this.ledger = ledger;
        this.settings = config.section(RouterSettings.class);
    }

    @Override
    public String what() {
        return "ledger rows";
    }

    @Override
    public Duration keep() {
        return settings.ledgerRetention();
    }

    @Override
    public Instant cutoff(Instant now) {
        return cutoff(keep(), now);
    }

    /** {@code now - keep}, but never later than the start of the current UTC month. */
    static Instant cutoff(Duration keep, Instant now) {
        Instant monthStart = ZonedDateTime.ofInstant(now, ZoneOffset.UTC).toLocalDate().withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant plain = now.minus(keep);
        return plain.isBefore(monthStart) ? plain : monthStart;
    }

    @Override
    @WithTransaction
    public Uni<Long> deleteBefore(Instant cutoff) {
        return ledger.deleteBefore(cutoff);
    }
}
