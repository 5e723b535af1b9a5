package dev.sparkd.router.budget;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkd.router.config.RouterSettings;

/**
 * Spend limits per cloud provider (service) and per API key, daily and monthly (UTC), in USD.
 *
 * <p>Concurrency: a request that may reach a cloud target first reserves its worst-case cost (prompt estimate plus
 * {@code max_tokens}, or the configured reserve) under one lock; it is admitted only while spent + reserved is below
 * every limit. When it ends, the reservation is replaced by the real cost. So racing requests can overspend by at
 * most one request's reservation, never by N.
 *
 * <p>Fails closed: until this day's and month's spend is loaded from the ledger ({@link #preload}, then
 * {@link #markLoaded}), a request that would count against any budget is refused, so a restart with the database down
 * cannot spend a period's budget a second time.
 */
public final class Budgets {
    /** A limit on one scope; 0 = none. */
    record Limit(double daily, double monthly) {
    }

    /** Spend of one scope ("provider:cloud", "key:ab12cd34"). */
    static final class Account {
        LocalDate day;
        int month;
        double spentDay;
        double spentMonth;
        double reserved;
    }

    /** What a request holds until it ends. */
    public record Reservation(List<String> scopes, double amount) {
    }

    /** Most choices ({@code n}) one request is reserved for; a larger {@code n} is reserved as this many. */
    static final int MAX_CHOICES = 128;

    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private volatile boolean loaded;
    private final Map<String, RouterSettings.Budget> providerBudgets;
    private final Map<String, RouterSettings.Price> prices;
    private final Clock clock;

    public Budgets(Map<String, RouterSettings.Budget> providerBudgets, Map<String, RouterSettings.Price> prices, Clock clock) {
        this.providerBudgets = providerBudgets;
        this.prices = prices;
        this.clock = clock;
    }

    public double cost(String model, long inputTokens, long outputTokens) {
        RouterSettings.Price p = model == null ? null : prices.get(model);
        return p == null ? 0 : p.cost(inputTokens, outputTokens);
    }

    /**
     * The most output tokens a request may cost: the larger of {@code max_completion_tokens} and {@code max_tokens}
     * ({@code fallback} when neither is a positive number), times the {@code n} choices it asks for.
     */
    public static long maxOutputTokens(JsonNode body, long fallback) {
        long out = Math.max(body.path("max_completion_tokens").asLong(0), body.path("max_tokens").asLong(0));
        long n = Math.min(MAX_CHOICES, Math.max(1, body.path("n").asLong(1)));
        return (out > 0 ? out : fallback) * n;
    }

    public boolean priced(String model) {
        return model != null && prices.containsKey(model);
    }

    /**
     * Reserves {@code estimate} USD against the provider's budget and the key's, or returns null when one of them is
     * spent (nothing is reserved then). {@code keyLimit} may be null (no key budget).
     */
    public synchronized Reservation reserve(String provider, String keyId, RouterSettings.Budget keyLimit, double estimate) {
        List<String> scopes = new ArrayList<>(2);
        RouterSettings.Budget pb = providerBudgets.get(provider);
        boolean keyBudget = keyLimit != null && (keyLimit.daily() > 0 || keyLimit.monthly() > 0);
        if (!loaded && (pb != null || keyBudget)) {
            return null; // the period's spend is not known yet
        }
        if (pb != null) {
            String s = "provider:" + provider;
            if (!room(account(s), pb)) {
                return null;
            }
            scopes.add(s);
        }
        if (keyBudget) {
            String s = "key:" + keyId;
            if (!room(account(s), keyLimit)) {
                return null;
            }
            scopes.add(s);
        }
        for (String s : scopes) {
            account(s).reserved += estimate;
        }
        return new Reservation(scopes, estimate);
    }

    /** Ends a reservation with the real cost (0 when nothing was spent). Also books cost for unbudgeted scopes. */
    public synchronized void settle(Reservation r, String provider, String keyId, double actual) {
        if (r != null) {
            for (String s : r.scopes()) {
                account(s).reserved -= r.amount();
            }
        }
        if (actual > 0) {
            book("provider:" + provider, actual);
            book("key:" + keyId, actual);
        }
    }

    /** Adds spend loaded from the ledger at start. */
    public synchronized void preload(String scope, double day, double month) {
        Account a = account(scope);
        a.spentDay += day;
        a.spentMonth += month;
    }

    /** From now on budgets count: the period's spend from the ledger is in. */
    public void markLoaded() {
        loaded = true;
    }

    /** Whether the period's spend is loaded (before that, budgeted requests are refused). */
    public boolean loaded() {
        return loaded;
    }

    /** USD left today (the smaller of daily and monthly room) for a provider, or NaN when it has no budget. */
    public synchronized double remaining(String provider) {
        RouterSettings.Budget b = providerBudgets.get(provider);
        if (b == null) {
            return Double.NaN;
        }
        Account a = account("provider:" + provider);
        double left = Double.POSITIVE_INFINITY;
        if (b.daily() > 0) {
            left = Math.min(left, b.daily() - a.spentDay);
        }
        if (b.monthly() > 0) {
            left = Math.min(left, b.monthly() - a.spentMonth);
        }
        return Math.max(0, left);
    }

    /** A budget period: UTC day or UTC month. */
    public enum Period {
        DAILY, MONTHLY;

        public String label() {
            return name().toLowerCase();
        }
    }

    /** USD spent by a provider in the current period (reservations not counted). */
    public synchronized double spent(String provider, Period period) {
        Account a = account("provider:" + provider);
        return period == Period.DAILY ? a.spentDay : a.spentMonth;
    }

    /** A provider's configured limit for the period; 0 when there is none. */
    public double limit(String provider, Period period) {
        RouterSettings.Budget b = providerBudgets.get(provider);
        if (b == null) {
            return 0;
        }
        return period == Period.DAILY ? b.daily() : b.monthly();
    }

    public Map<String, RouterSettings.Budget> providerBudgets() {
        return providerBudgets;
    }

    private void book(String scope, double usd) {
        Account a = account(scope);
        a.spentDay += usd;
        a.spentMonth += usd;
    }

    private static boolean room(Account a, RouterSettings.Budget b) {
        return (b.daily() <= 0 || a.spentDay + a.reserved < b.daily()) && (b.monthly() <= 0 || a.spentMonth + a.reserved < b.monthly());
    }

    private Account account(String scope) {
        Account a = accounts.computeIfAbsent(scope, s -> new Account());
        LocalDate today = LocalDate.ofInstant(Instant.now(clock), ZoneOffset.UTC);
        if (!today.equals(a.day)) {
            if (a.day != null && today.getMonthValue() != a.month) {
                a.spentMonth = 0;
            }
            if (a.day != null) {
                a.spentDay = 0;
            }
            a.day = today;
            a.month = today.getMonthValue();
        }
        return a;
    }
}
