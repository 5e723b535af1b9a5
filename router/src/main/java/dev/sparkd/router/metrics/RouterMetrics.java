package dev.sparkd.router.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.sparkd.daemon.metrics.LatencyBuckets;
import dev.sparkd.router.budget.Budgets;
import dev.sparkd.router.ledger.Ledger;
import dev.sparkd.router.target.Breaker;
import dev.sparkd.router.target.Target;
import dev.sparkd.router.target.Targets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

/**
 * The router's metrics ({@code docs/metrics.md}, section router). Meters are looked up once per label set and cached,
 * so recording costs a map lookup and an atomic add.
 */
@Singleton
public class RouterMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public RouterMetrics(MeterRegistry registry, Targets targets, Budgets budgets, Ledger ledger) {
        this.registry = registry;
        for (Target t : targets.all()) {
            Gauge.builder("sparkd_router_target_state", t, x -> stateValue(x.breaker().state()))
                    .description("circuit breaker per target: 0 closed, 1 half-open, 2 open")
                    .tags("target", t.id(), "backend", t.service(), "provider", t.provider()).register(registry);
            Gauge.builder("sparkd_router_target_up", t, x -> x.upstream().reachable() ? 1 : 0)
                    .description("1 when the background refresher reached the target's backend")
                    .tags("target", t.id(), "backend", t.service(), "provider", t.provider()).register(registry);
            Gauge.builder("sparkd_router_target_in_flight", t, x -> x.inFlight().get())
                    .description("requests in flight to the target")
                    .tags("target", t.id(), "backend", t.service(), "provider", t.provider()).register(registry);
        }
        budgets.providerBudgets().keySet().forEach(p -> Gauge.builder("sparkd_router_budget_remaining_usd", budgets, b -> b.remaining(p))
                .description("USD left today for a budgeted provider (the smaller of daily and monthly room)")
                .tags("provider", p).register(registry));
        // Spent and limit per period, so an alert sees the monthly limit too and does not clear after a day at $0.
        budgets.providerBudgets().keySet().forEach(p -> {
            for (Budgets.Period period : Budgets.Period.values()) {
                if (budgets.limit(p, period) <= 0) {
                    continue;
                }
                Gauge.builder("sparkd_router_budget_spent_usd", budgets, b -> b.spent(p, period))
                        .description("USD spent by a budgeted provider in the current UTC day or month")
                        .tags("provider", p, "period", period.label()).register(registry);
                Gauge.builder("sparkd_router_budget_limit_usd", budgets, b -> b.limit(p, period))
                        .description("the configured budget of a provider for the period")
                        .tags("provider", p, "period", period.label()).register(registry);
            }
        });
        // present from the start (at 0), so a dashboard and an alert see them before the first repeat or lookup
        for (String outcome : new String[] {"replayed", "key_reused", "in_flight"}) {
            idempotencyCounter(outcome);
        }
        targets.settings().routes().values().stream().filter(r -> r.cache() != null).forEach(r -> {
            cacheCounter(r.name(), "hit");
            cacheCounter(r.name(), "miss");
        });
        Gauge.builder("sparkd_router_ledger_pending", ledger, l -> l.counts().pending())
                .description("ledger entries waiting to be written").register(registry);
        Gauge.builder("sparkd_router_ledger_dropped", ledger, l -> l.counts().dropped())
                .description("ledger entries dropped because memory was full between two moves to the spill file").register(registry);
        Gauge.builder("sparkd_router_ledger_spilled", ledger, l -> l.counts().spilledPending())
                .description("ledger entries waiting in the spill file for the database").register(registry);
        FunctionCounter.builder("sparkd_router_ledger_dead_lettered", ledger, l -> l.counts().deadLettered())
                .description("ledger entries the database refused on their own, kept in ledger.dead-letter").register(registry);
    }

    static double stateValue(Breaker.State s) {
        return switch (s) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
        };
    }

    public void request(String route, String target, String provider, String outcome, long nanos) {
        // One key for both maps, built once per request: no other key of either map has exactly two separators.
        String k = route + '\u0000' + target + '\u0000' + outcome;
        counters.computeIfAbsent(k, x -> Counter.builder("sparkd_router_requests").description("requests answered")
                .tags("route", route, "target", target, "provider", provider, "outcome", outcome).register(registry)).increment();
        timers.computeIfAbsent(k, x -> LatencyBuckets.timer("sparkd_router_request_duration",
                "request duration, arrival to last byte", LatencyBuckets.REQUEST)
                .tags("route", route, "target", target, "provider", provider, "outcome", outcome)
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void ttft(String route, String target, String provider, long nanos) {
        timers.computeIfAbsent("t" + route + '\u0000' + target, x -> LatencyBuckets.timer("sparkd_router_ttft",
                "time to first streamed event, arrival to first byte sent", LatencyBuckets.FIRST_TOKEN)
                .tags("route", route, "target", target, "provider", provider).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Time per output token after the first, of a streamed answer: (end − first token) / (completion tokens − 1). */
    public void timePerToken(String route, String target, String provider, long nanos) {
        timers.computeIfAbsent("p" + route + '\u0000' + target, x -> LatencyBuckets.timer("sparkd_router_time_per_output_token",
                "time per output token after the first, streamed answers with upstream usage", LatencyBuckets.PER_TOKEN)
                .tags("route", route, "target", target, "provider", provider).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** What the router itself added: request in to upstream request out, plus upstream body end to client body end. */
    public void overhead(String route, String target, long nanos) {
        timers.computeIfAbsent("o" + route + '\u0000' + target, x -> LatencyBuckets.timer("sparkd_router_overhead",
                "time the router itself adds to a request (request in to upstream request out, plus upstream body end to"
                        + " client body end)", LatencyBuckets.OVERHEAD)
                .tags("route", route, "target", target).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void tokens(String provider, long prompt, long completion, double cost) {
        if (prompt > 0) {
            counters.computeIfAbsent("ti" + provider, x -> Counter.builder("sparkd_router_tokens").description("tokens, from upstream usage")
                    .tags("provider", provider, "direction", "input").register(registry)).increment(prompt);
        }
        if (completion > 0) {
            counters.computeIfAbsent("to" + provider, x -> Counter.builder("sparkd_router_tokens").description("tokens, from upstream usage")
                    .tags("provider", provider, "direction", "output").register(registry)).increment(completion);
        }
        if (cost > 0) {
            counters.computeIfAbsent("c" + provider, x -> Counter.builder("sparkd_router_cost_usd").description("USD spent, from the price table")
                    .tags("provider", provider).register(registry)).increment(cost);
        }
    }

    /** A lookup in a route's answer cache. */
    public void cache(String route, boolean hit) {
        cacheCounter(route, hit ? "hit" : "miss").increment();
    }

    private Counter cacheCounter(String route, String result) {
        return counters.computeIfAbsent("k" + route + '\u0000' + result, x -> Counter.builder("sparkd_router_cache_lookups")
                .description("lookups in a route's answer cache (cache_ttl), by result")
                .tags("route", route, "result", result).register(registry));
    }

    /** A request that repeated an Idempotency-Key: replayed, key_reused (409) or in_flight (409). */
    public void idempotency(String outcome) {
        idempotencyCounter(outcome).increment();
    }

    private Counter idempotencyCounter(String outcome) {
        return counters.computeIfAbsent("i" + outcome, x -> Counter.builder("sparkd_router_idempotent_repeats")
                .description("requests that repeated an Idempotency-Key, by what the router did")
                .tags("outcome", outcome).register(registry));
    }

    public void fallback(String route, String from, String to, String reason) {
        counters.computeIfAbsent("f" + route + '\u0000' + from + '\u0000' + to + '\u0000' + reason, x -> Counter.builder("sparkd_router_fallbacks")
                .description("a target failed or was skipped and the next one was tried")
                .tags("route", route, "from", from, "to", to, "reason", reason).register(registry)).increment();
    }
}
