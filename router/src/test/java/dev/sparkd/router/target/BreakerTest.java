package dev.sparkd.router.target;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The breaker takes the time from its caller, so the clock here is a plain number. */
class BreakerTest {
    static final long SECOND = 1_000_000_000L;

    @Test
    void opensAfterThresholdConsecutiveFailuresOnly() {
        Breaker b = new Breaker(3, SECOND);
        long now = 100 * SECOND;
        b.onFailure(now);
        b.onFailure(now);
        b.onSuccess(); // a success in between resets the count
        b.onFailure(now);
        b.onFailure(now);
        assertThat(b.state()).isEqualTo(Breaker.State.CLOSED);
        assertThat(b.tryAcquire(now)).isTrue();
        b.onFailure(now);
        assertThat(b.state()).isEqualTo(Breaker.State.OPEN);
    }

    @Test
    void skipsTheTargetDuringTheCooldownThenLetsExactlyOneProbeThrough() {
        Breaker b = new Breaker(2, SECOND);
        long t = 100 * SECOND;
        b.onFailure(t);
        b.onFailure(t);
        assertThat(b.available(t)).isFalse();
        assertThat(b.tryAcquire(t + SECOND / 2)).isFalse();
        assertThat(b.available(t + SECOND - 1)).isFalse();
        assertThat(b.available(t + SECOND)).isTrue();
        assertThat(b.tryAcquire(t + SECOND)).isTrue();
        assertThat(b.state()).isEqualTo(Breaker.State.HALF_OPEN);
        // the probe is out: nobody else gets through until it reports
        assertThat(b.available(t + SECOND)).isFalse();
        assertThat(b.tryAcquire(t + 2 * SECOND)).isFalse();
    }

    @Test
    void aSuccessfulProbeClosesTheBreaker() {
        Breaker b = new Breaker(1, SECOND);
        long t = 100 * SECOND;
        b.onFailure(t);
        assertThat(b.tryAcquire(t + SECOND)).isTrue();
        b.onSuccess();
        assertThat(b.state()).isEqualTo(Breaker.State.CLOSED);
        for (int i = 0; i < 3; i++) {
            assertThat(b.tryAcquire(t + SECOND)).isTrue();
        }
    }

    @Test
    void aFailedProbeReopensForAnotherFullCooldown() {
        Breaker b = new Breaker(5, SECOND);
        long t = 100 * SECOND;
        for (int i = 0; i < 5; i++) {
            b.onFailure(t);
        }
        long probeAt = t + 3 * SECOND;
        assertThat(b.tryAcquire(probeAt)).isTrue();
        b.onFailure(probeAt); // one failure is enough in half-open state, whatever the threshold
        assertThat(b.state()).isEqualTo(Breaker.State.OPEN);
        assertThat(b.available(probeAt + SECOND - 1)).isFalse();
        assertThat(b.tryAcquire(probeAt + SECOND)).isTrue();
    }

    @Test
    void aProbeWithoutAVerdictIsReleasedForTheNextCaller() {
        Breaker b = new Breaker(1, SECOND);
        long t = 100 * SECOND;
        b.onFailure(t);
        assertThat(b.tryAcquire(t + SECOND)).isTrue();
        assertThat(b.tryAcquire(t + SECOND)).isFalse();
        b.release();
        assertThat(b.tryAcquire(t + SECOND)).isTrue();
    }
}
