package dev.sparkd.router;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import dev.sparkd.router.budget.Budgets;
import dev.sparkd.router.config.RouterSettings;
import dev.sparkd.router.ledger.LedgerRepository;
import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.daemon.persistence.UnitOfWork;
import io.quarkus.logging.Log;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The router's beans that need the config to be built: {@link Budgets}, with this day's and month's spend booked from
 * the ledger (once, at start). Every other class is a bean with constructor injection.
 */
public class RouterProducers {

    @Produces
    @Singleton
    Budgets budgets(SuiteConfig config, LedgerRepository ledger) {
        RouterSettings s = config.section(RouterSettings.class);
        Budgets budgets = new Budgets(s.budgets(), s.prices(), Clock.systemUTC());
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        try {
            Map<String, Double> month = UnitOfWork.await(() -> ledger.spendSince(today.withDayOfMonth(1).atStartOfDay().toInstant(ZoneOffset.UTC))
                    .ifNoItem().after(Duration.ofSeconds(30)).fail());
            Map<String, Double> day = UnitOfWork.await(() -> ledger.spendSince(today.atStartOfDay().toInstant(ZoneOffset.UTC))
                    .ifNoItem().after(Duration.ofSeconds(30)).fail());
            month.forEach((scope, m) -> budgets.preload(scope, day.getOrDefault(scope, 0.0), m));
        } catch (RuntimeException e) {
            Log.errorf("budgets: cannot read this month's spend from the ledger (%s); counting from zero", e.getMessage());
        }
        return budgets;
    }
}
