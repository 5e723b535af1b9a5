package dev.sparkd.health.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.sparkd.health.fleet.ServiceStatus;
import dev.sparkd.health.state.State;
import dev.sparkd.health.state.StateMachine;
import dev.sparkd.health.telemetry.HostStatus;

/** The alert policy: one alert, silence while open, reminders when asked for, one resolution. */
class AlertsTest {
    static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    final ServiceStatus vllm = new ServiceStatus("vllm-1", "vllm", "spark-1", "DOWN", "x", null, null, null, null, 0, null, null);

    StateMachine.Change change(State from, State to, String reason, int minutes) {
        return new StateMachine.Change(Optional.ofNullable(from), to, reason, T0.plus(Duration.ofMinutes(minutes)));
    }

    @Test
    void oneAlertWhileDownWhateverHappensInBetweenThenOneResolution() {
        Alerts alerts = new Alerts(Set.of(State.DOWN), Optional.empty(), 0.8);
        assertThat(alerts.serviceChanged(vllm, change(null, State.UP, null, 0))).as("UP at start is not news").isEmpty();
        assertThat(alerts.serviceChanged(vllm, change(State.UP, State.DEGRADED, "slow", 1))).isEmpty();
        Notice down = alerts.serviceChanged(vllm, change(State.DEGRADED, State.DOWN, "connection refused", 2)).orElseThrow();
        assertThat(down.event()).isEqualTo(Notice.Event.ALERT);
        assertThat(down.message()).isEqualTo("vllm-1 is DOWN: connection refused (was DEGRADED)");
        assertThat(alerts.serviceChanged(vllm, change(State.DOWN, State.LOADING, "loading", 3))).isEmpty();
        assertThat(alerts.serviceChanged(vllm, change(State.LOADING, State.DOWN, "engine dead", 4))).isEmpty();
        assertThat(alerts.due(T0.plus(Duration.ofHours(5)))).as("no repeat configured").isEmpty();
        Notice resolved = alerts.serviceChanged(vllm, change(State.DOWN, State.DEGRADED, "slow", 9)).orElseThrow();
        assertThat(resolved.event()).isEqualTo(Notice.Event.RESOLVED);
        assertThat(resolved.message()).isEqualTo("vllm-1 is DEGRADED again, resolved after 7 min (was DOWN: connection refused)");
        assertThat(alerts.serviceChanged(vllm, change(State.DEGRADED, State.UP, null, 10))).isEmpty();
    }

    @Test
    void aServiceDownAtStartIsNewsAndLoadingOnlyWhenAskedFor() {
        Alerts downOnly = new Alerts(Set.of(State.DOWN), Optional.empty(), 0.8);
        assertThat(downOnly.serviceChanged(vllm, change(null, State.DOWN, "refused", 0))).isPresent();
        assertThat(downOnly.serviceChanged(vllm, change(null, State.LOADING, "loading", 0))).isEmpty();
        Alerts loadingToo = new Alerts(Set.of(State.DOWN, State.LOADING), Optional.empty(), 0.8);
        assertThat(loadingToo.serviceChanged(vllm, change(State.UP, State.LOADING, "loading", 0)).orElseThrow().state()).isEqualTo("LOADING");
    }

    @Test
    void remindersEveryRepeatWhileOpenAndNoneAfterResolution() {
        Alerts alerts = new Alerts(Set.of(State.DOWN), Optional.of(Duration.ofMinutes(30)), 0.8);
        alerts.serviceChanged(vllm, change(State.UP, State.DOWN, "refused", 0));
        assertThat(alerts.due(T0.plus(Duration.ofMinutes(29)))).isEmpty();
        List<Notice> first = alerts.due(T0.plus(Duration.ofMinutes(30)));
        assertThat(first).singleElement().satisfies(n -> {
            assertThat(n.event()).isEqualTo(Notice.Event.REMINDER);
            assertThat(n.message()).isEqualTo("vllm-1 is still DOWN after 30 min: refused");
        });
        assertThat(alerts.due(T0.plus(Duration.ofMinutes(45)))).isEmpty();
        assertThat(alerts.due(T0.plus(Duration.ofMinutes(60)))).hasSize(1);
        alerts.serviceChanged(vllm, change(State.DOWN, State.UP, null, 61));
        assertThat(alerts.due(T0.plus(Duration.ofHours(3)))).isEmpty();
    }

    @Test
    void aDiskAlertsOnceAboveTheLevelAndResolvesBelowIt() {
        Alerts alerts = new Alerts(Set.of(State.DOWN), Optional.empty(), 0.8);
        long tb = 1_000_000_000_000L;
        assertThat(alerts.hostChecked(host(new HostStatus.Disk("/models", tb, tb / 2, false).assessed(0.8)))).isEmpty();
        List<Notice> full = alerts.hostChecked(host(new HostStatus.Disk("/models", tb, tb / 10, false).assessed(0.8)));
        assertThat(full).singleElement().satisfies(n -> {
            assertThat(n.title()).isEqualTo("sparkd: disk spark-1:/models nearly full");
            assertThat(n.message()).isEqualTo("disk spark-1:/models is nearly full: 90% used, 93.1 GiB free of 931.3 GiB (warning at 80%)");
        });
        assertThat(alerts.hostChecked(host(new HostStatus.Disk("/models", tb, tb / 20, false).assessed(0.8)))).isEmpty();
        assertThat(alerts.hostChecked(HostStatus.pending("spark-1", "gb10", "SSH failed"))).as("a failed round says nothing").isEmpty();
        assertThat(alerts.hostChecked(host(new HostStatus.Disk("/models", tb, tb / 4, false).assessed(0.8))))
                .singleElement().satisfies(n -> assertThat(n.event()).isEqualTo(Notice.Event.RESOLVED));
    }

    static HostStatus host(HostStatus.Disk disk) {
        return new HostStatus("spark-1", "gb10", true, null, T0, null, null, null, null, null, null, null, List.of(disk), Map.of());
    }
}
