package dev.sparkd.health.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Hysteresis: thresholds to leave and return to UP; reasons follow the latest observation once out of UP. */
class StateMachineTest {
    final Instant t = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void leavingUpNeedsFailureThresholdAndReturningNeedsSuccessThreshold() {
        StateMachine m = new StateMachine(3, 2);
        assertThat(m.observe(State.UP, null, t)).hasValueSatisfying(c -> assertThat(c.from()).isEmpty());
        assertThat(m.observe(State.DOWN, "refused", t.plusSeconds(1))).isEmpty();
        assertThat(m.observe(State.DOWN, "refused", t.plusSeconds(2))).isEmpty();
        var down = m.observe(State.DOWN, "refused", t.plusSeconds(3));
        assertThat(down).hasValueSatisfying(c -> {
            assertThat(c.to()).isEqualTo(State.DOWN);
            assertThat(c.reason()).isEqualTo("refused");
        });
        assertThat(m.observe(State.LOADING, "loading", t.plusSeconds(4))).hasValueSatisfying(c -> assertThat(c.to()).isEqualTo(State.LOADING));
        assertThat(m.observe(State.LOADING, "loading", t.plusSeconds(5))).isEmpty();
        assertThat(m.observe(State.UP, null, t.plusSeconds(6))).isEmpty();
        assertThat(m.observe(State.UP, null, t.plusSeconds(7))).hasValueSatisfying(c -> assertThat(c.to()).isEqualTo(State.UP));
        assertThat(m.since()).isEqualTo(t.plusSeconds(7));
        assertThat(m.reason()).isNull();
    }

    @Test
    void aSingleBlipDoesNotLeaveUp() {
        StateMachine m = new StateMachine(2, 1);
        m.observe(State.UP, null, t);
        assertThat(m.observe(State.DOWN, "timeout", t.plusSeconds(1))).isEmpty();
        assertThat(m.observe(State.UP, null, t.plusSeconds(2))).isEmpty();
        assertThat(m.observe(State.DOWN, "timeout", t.plusSeconds(3))).isEmpty();
        assertThat(m.state()).isEqualTo(State.UP);
    }

    @Test
    void aNewReasonInTheSameStateIsAChangeWithoutStateChange() {
        StateMachine m = new StateMachine(1, 1);
        m.observe(State.DEGRADED, "queue depth 20 > 16", t);
        var c = m.observe(State.DEGRADED, "queue depth 37 > 16", t.plusSeconds(1));
        assertThat(c).hasValueSatisfying(x -> {
            assertThat(x.stateChanged()).isFalse();
            assertThat(x.reason()).isEqualTo("queue depth 37 > 16");
        });
    }
}
