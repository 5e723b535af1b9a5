package dev.sparkd.router.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkd.router.config.RouterSettings;

class BudgetsTest {
    @Test
    void racingReservationsOverspendByAtMostOneRequest() throws Exception {
        Budgets b = new Budgets(Map.of("cloud", new RouterSettings.Budget(0.01, 0)), Map.of(), Clock.systemUTC());
        b.markLoaded();
        double perRequest = 0.0007;
        DoubleAdder spent = new DoubleAdder();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < 500; i++) {
            pool.submit(() -> {
                go.await();
                Budgets.Reservation r = b.reserve("cloud", "k", null, perRequest);
                if (r != null) {
                    Thread.sleep(1);
                    double actual = perRequest * 0.8;
                    spent.add(actual);
                    b.settle(r, "cloud", "k", actual);
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(spent.sum()).isGreaterThan(0.008).isLessThanOrEqualTo(0.01 + perRequest);
        // what the race left over is spent one by one, then the budget refuses; the total still holds
        Budgets.Reservation r;
        while ((r = b.reserve("cloud", "k", null, perRequest)) != null) {
            spent.add(perRequest * 0.8);
            b.settle(r, "cloud", "k", perRequest * 0.8);
        }
        assertThat(spent.sum()).isLessThanOrEqualTo(0.01 + perRequest);
        assertThat(b.remaining("cloud")).isLessThan(perRequest);
    }

    @Test
    void keyBudgetsAreSeparateFromProviderBudgets() {
        Budgets b = new Budgets(Map.of(), Map.of("m", new RouterSettings.Price(1_000_000, 0)), Clock.systemUTC());
        b.markLoaded();
        RouterSettings.Budget key = new RouterSettings.Budget(2, 0);
        Budgets.Reservation r = b.reserve("cloud", "k1", key, 1);
        b.settle(r, "cloud", "k1", b.cost("m", 2, 0));
        assertThat(b.reserve("cloud", "k1", key, 1)).isNull();
        assertThat(b.reserve("cloud", "k2", key, 1)).isNotNull();
    }

    @Test
    void spentAndLimitPerPeriodKeepTheMonthAfterTheDayRolls() {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-10T12:00:00Z"));
        Budgets b = new Budgets(Map.of("cloud", new RouterSettings.Budget(5, 50)), Map.of(), clock);
        b.markLoaded();
        b.settle(b.reserve("cloud", "k", null, 1), "cloud", "k", 4.5);
        assertThat(b.spent("cloud", Budgets.Period.DAILY)).isEqualTo(4.5);
        assertThat(b.spent("cloud", Budgets.Period.MONTHLY)).isEqualTo(4.5);
        assertThat(b.limit("cloud", Budgets.Period.DAILY)).isEqualTo(5);
        assertThat(b.limit("cloud", Budgets.Period.MONTHLY)).isEqualTo(50);
        assertThat(b.limit("other", Budgets.Period.MONTHLY)).isZero();

        clock.now = Instant.parse("2026-03-11T00:00:01Z"); // a new UTC day: the day starts again, the month does not
        assertThat(b.spent("cloud", Budgets.Period.DAILY)).isZero();
        assertThat(b.spent("cloud", Budgets.Period.MONTHLY)).isEqualTo(4.5);
        clock.now = Instant.parse("2026-04-01T00:00:01Z");
        assertThat(b.spent("cloud", Budgets.Period.MONTHLY)).isZero();
    }

    @Test
    void untilTheSpendIsLoadedBudgetedRequestsAreRefusedAndOthersPass() {
        Budgets b = new Budgets(Map.of("cloud", new RouterSettings.Budget(5, 50)), Map.of(), Clock.systemUTC());
        assertThat(b.reserve("cloud", "k", null, 0.01)).as("provider budget, spend unknown").isNull();
        assertThat(b.reserve("other", "k", new RouterSettings.Budget(1, 0), 0.01)).as("key budget, spend unknown").isNull();
        assertThat(b.reserve("other", "k", null, 0.01)).as("no budget involved").isNotNull();
        b.preload("provider:cloud", 4.99, 4.99);
        b.markLoaded();
        assertThat(b.reserve("cloud", "k", null, 0.001)).isNotNull();
        assertThat(b.remaining("cloud")).isLessThan(0.02);
    }

    @Test
    void theReservationCoversEveryChoiceAndTheLargerOutputLimit() throws Exception {
        ObjectMapper m = new ObjectMapper();
        assertThat(Budgets.maxOutputTokens(m.readTree("{}"), 4096)).isEqualTo(4096);
        assertThat(Budgets.maxOutputTokens(m.readTree("{\"max_tokens\":100,\"max_completion_tokens\":300}"), 4096)).isEqualTo(300);
        assertThat(Budgets.maxOutputTokens(m.readTree("{\"max_tokens\":500,\"max_completion_tokens\":300}"), 4096)).isEqualTo(500);
        assertThat(Budgets.maxOutputTokens(m.readTree("{\"max_completion_tokens\":1000,\"n\":8}"), 4096)).isEqualTo(8000);
        assertThat(Budgets.maxOutputTokens(m.readTree("{\"max_tokens\":-5,\"n\":100000}"), 10)).isEqualTo(10 * Budgets.MAX_CHOICES);
    }

    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
