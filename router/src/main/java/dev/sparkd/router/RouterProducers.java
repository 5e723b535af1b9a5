package dev.sparkd.router;

import java.time.Clock;

import dev.sparkd.core.config.SuiteConfig;
import dev.sparkd.router.budget.Budgets;
import dev.sparkd.router.config.RouterSettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The router's beans that need the config to be built: {@link Budgets}, which count only once
 * {@link dev.sparkd.router.budget.SpendLoader} has booked this day's and month's spend from the ledger. Every other
 * class is a bean with constructor injection.
 */
public class RouterProducers {

    @Produces
    @Singleton
    Budgets budgets(SuiteConfig config) {
        RouterSettings s = config.section(RouterSettings.class);
        return new Budgets(s.budgets(), s.prices(), Clock.systemUTC());
    }
}
