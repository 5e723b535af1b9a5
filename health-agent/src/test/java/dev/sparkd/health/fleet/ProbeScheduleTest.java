package dev.sparkd.health.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** First probes are spread over the whole first interval, capped so a long cloud interval does not delay them for minutes. */
class ProbeScheduleTest {

    @Test
    void theFirstProbeComesWithinTheFirstIntervalAndAtMostThirtySecondsIn() {
        long max2s = 0;
        long max5m = 0;
        for (int i = 0; i < 2000; i++) {
            Duration shortInterval = ProbeSchedule.firstDelay(Duration.ofSeconds(2));
            Duration cloud = ProbeSchedule.firstDelay(Duration.ofMinutes(5));
            assertThat(shortInterval).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(2));
            assertThat(cloud).isPositive().isLessThanOrEqualTo(ProbeSchedule.MAX_FIRST_SPREAD);
            max2s = Math.max(max2s, shortInterval.toMillis());
            max5m = Math.max(max5m, cloud.toMillis());
        }
        // Spread over the interval, not bunched at its start (the old code spread over 2 s whatever the interval).
        assertThat(max2s).isGreaterThan(1800);
        assertThat(max5m).isGreaterThan(25_000);
    }
}
