package dev.sparkd.router.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkd.router.metrics.RouterMetrics;
import dev.sparkd.router.budget.Budgets;
import dev.sparkd.router.config.RouterSettings;
import io.vertx.core.Vertx;

/** What every exchange shares: settings, budgets, metrics, the recorder, timers and the JSON mapper. */
record ExchangeContext(Vertx vertx, RouterSettings settings, Budgets budgets, RouterMetrics metrics, Recorder recorder,
        ObjectMapper mapper) {
}
