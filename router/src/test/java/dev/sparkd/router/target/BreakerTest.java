package dev.sparkd.router.target;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The breaker takes the time from its caller, so the clock here is a plain number. */
class BreakerTest {
    static final long SECOND = 1_000_000_000L;
    static final long T = 100 * SECOND;

    /** A breaker of {@code threshold} that as many failures at {@link #T} opened. */
    static Breaker opened(int threshold) {
        Breaker b = new Breaker(threshold, SECOND);
        for (int i = 0; i < threshold; i++) {
            b.onFailure(T);
        }
        assertThat(b.state()).isEqualTo(Breaker.State.OPEN);
        return b;
    }

    @Test
    void opensAfterThresholdConsecutiveFailuresOnly() {
        Breaker b = new Breaker(3, SECOND);
        b.onFailure(T);
        b.onFailure(T);
        b.onSuccess(); // a success in between resets the count
        b.onFailure(T);
        b.onFailure(T);
        assertThat(b.state()).isEqualTo(Breaker.State.CLOSED);
        assertThat(b.tryAcquire(T)).isTrue();
        b.onFailure(T);
        assertThat(b.state()).isEqualTo(Breaker.State.OPEN);
    }

    @Test
    void skipsTheTargetDuringTheCooldownThenLetsExactlyOneProbeThrough() {
        Breaker b = opened(2);
        assertThat(b.available(T)).isFalse();
        assertThat(b.tryAcquire(T + SECOND / 2)).isFalse();
        assertThat(b.available(T + SECOND - 1)).isFalse();
        assertThat(b.available(T + SECOND)).isTrue();
        assertThat(b.tryAcquire(T + SECOND)).isTrue();
        assertThat(b.state()).isEqualTo(Breaker.State.HALF_OPEN);
        // the probe is out: nobody else gets through until it reports
        assertThat(b.available(T + SECOND)).isFalse();
        assertThat(b.tryAcquire(T + 2 * SECOND)).isFalse();
    }

    @Test
    void aSuccessfulProbeClosesTheBreaker() {
        Breaker b = opened(1);
        assertThat(b.tryAcquire(T + SECOND)).isTrue();
        b.onSuccess();
        assertThat(b.state()).isEqualTo(Breaker.State.CLOSED);
        for (int i = 0; i < 3; i++) {
            assertThat(b.tryAcquire(T + SECOND)).isTrue();
        }
    }

    @Test
    void aFailedProbeReopensForAnotherFullCooldown() {
        Breaker b = opened(5);
        long probeAt = T + 3 * SECOND;
        assertThat(b.tryAcquire(probeAt)).isTrue();
        b.onFailure(probeAt); // one failure is enough in half-open state, whatever the threshold
        assertThat(b.state()).isEqualTo(Breaker.State.OPEN);
        assertThat(b.available(probeAt + SECOND - 1)).isFalse();
        assertThat(b.tryAcquire(probeAt + SECOND)).isTrue();
    }

    @Test
    void aProbeWithoutAVerdictIsReleasedForTheNextCaller() {
        Breaker b = opened(1);
        assertThat(b.tryAcquire(T + SECOND)).isTrue();
        assertThat(b.tryAcquire(T + SECOND)).isFalse();
        b.release();
        assertThat(b.tryAcquire(T + SECOND)).isTrue();
    }
}
