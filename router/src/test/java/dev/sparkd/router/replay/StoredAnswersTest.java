package dev.sparkd.router.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The store behind replays and the cache stays within its bytes and forgets expired answers. */
class StoredAnswersTest {
    static final byte[] FP = new byte[32];

    static Answer answer(int bytes) {
        return new Answer(200, new byte[bytes], "vllm-1");
    }

    @Test
    void neverHoldsMoreThanItsBoundAndDropsTheLeastRecentlyUsed() {
        StoredAnswers store = new StoredAnswers(64 * 1024, Duration.ofMinutes(1).toNanos());
        long now = 0;
        for (int i = 0; i < 100; i++) {
            StoredAnswers.Begun b = store.begin("k" + i, FP, now);
            assertThat(b.created()).isTrue();
            store.complete("k" + i, b.entry(), answer(4000));
            if (i == 10) {
                assertThat(store.get("k0", now)).isNotNull(); // k0 used recently: k1 goes first
            }
            assertThat(store.bytes()).isLessThanOrEqualTo(64 * 1024);
        }
        assertThat(store.size()).isBetween(10, 16);
        assertThat(store.get("k1", now)).isNull();
        assertThat(store.get("k99", now).answer.body()).hasSize(4000);
    }

    @Test
    void anAnswerLargerThanTheStoreIsNotKept() {
        StoredAnswers store = new StoredAnswers(8 * 1024, Duration.ofMinutes(1).toNanos());
        StoredAnswers.Begun b = store.begin("big", FP, 0);
        store.complete("big", b.entry(), answer(10_000));
        assertThat(store.get("big", 0)).isNull();
        assertThat(store.bytes()).isZero();
    }

    @Test
    void anEntryInFlightIsFoundUntilAnsweredOrAbandonedAndExpiresWithItsTtl() {
        long ttl = Duration.ofSeconds(10).toNanos();
        StoredAnswers store = new StoredAnswers(64 * 1024, ttl);
        StoredAnswers.Begun first = store.begin("k", FP, 0);
        StoredAnswers.Begun second = store.begin("k", FP, 1);
        assertThat(second.created()).isFalse();
        assertThat(second.entry()).isSameAs(first.entry());
        assertThat(second.entry().answer).as("still in flight").isNull();
        store.abandon("k", first.entry());
        assertThat(store.get("k", 2)).isNull();
        assertThat(store.bytes()).isZero();

        StoredAnswers.Begun again = store.begin("k", FP, 3);
        store.complete("k", again.entry(), answer(100));
        assertThat(store.get("k", ttl)).isNotNull();
        assertThat(store.get("k", ttl + 3)).as("expired").isNull();
        assertThat(store.bytes()).isZero();
    }
}
