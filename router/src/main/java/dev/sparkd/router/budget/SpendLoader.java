package dev.sparkd.router.budget;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import dev.sparkd.daemon.persistence.UnitOfWork;
import dev.sparkd.router.ledger.Ledger;
import dev.sparkd.router.ledger.LedgerRepository;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Books this UTC day's and month's spend from the ledger into {@link Budgets} at start, and tries again every
 * {@value #RETRY_SECONDS} s until it succeeds: while the database is down, or ledger entries of an earlier run still
 * wait in the spill file, the spend is unknown and budgeted requests are refused (fail closed).
 */
@Singleton
public class SpendLoader {
    static final int RETRY_SECONDS = 5;
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);

    private final Budgets budgets;
    private final LedgerRepository repository;
    private final Ledger ledger;
    private final Vertx vertx;

    public SpendLoader(Budgets budgets, LedgerRepository repository, Ledger ledger, Vertx vertx) {
        this.budgets = budgets;
        this.repository = repository;
        this.ledger = ledger;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        load();
    }

    private void load() {
        if (ledger.counts().spilledPending() > 0) {
            retry("ledger entries of an earlier run are still being written");
            return;
        }
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        UnitOfWork.start(() -> Uni.combine().all()
                .unis(repository.spendSince(today.withDayOfMonth(1).atStartOfDay().toInstant(ZoneOffset.UTC)),
                        repository.spendSince(today.atStartOfDay().toInstant(ZoneOffset.UTC)))
                .asTuple().ifNoItem().after(QUERY_TIMEOUT).fail())
                .whenComplete((spend, failure) -> {
                    if (failure != null) {
                        retry("cannot read this month's spend from the ledger (" + failure.getMessage() + ")");
                        return;
                    }
                    Map<String, Double> month = spend.getItem1();
                    Map<String, Double> day = spend.getItem2();
                    month.forEach((scope, m) -> budgets.preload(scope, day.getOrDefault(scope, 0.0), m));
                    budgets.markLoaded();
                    Log.infof("budgets: this month's spend is loaded from the ledger (%d scopes)", month.size());
                });
    }

    private void retry(String why) {
        Log.warnf("budgets: %s; budgeted requests are refused until it is loaded, retrying in %d s", why, RETRY_SECONDS);
        vertx.setTimer(RETRY_SECONDS * 1000L, id -> load());
    }
}
