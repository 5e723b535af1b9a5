package dev.sparkd.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ValuesTest {
    @Test
    void durations() {
        assertThat(Durations.parse("30s")).contains(Duration.ofSeconds(30));
        assertThat(Durations.parse("1h30m")).contains(Duration.ofMinutes(90));
        assertThat(Durations.parse("250ms")).contains(Duration.ofMillis(250));
        assertThat(Durations.parse("7d")).contains(Duration.ofDays(7));
        assertThat(Durations.parse("1.5h")).contains(Duration.ofMinutes(90));
        // beyond what a Duration holds: not a duration (it used to wrap around into a different, wrong one)
        assertThat(Durations.parse("99999999999999999999999h")).isEmpty();
        assertThat(Durations.parse("0.25s")).contains(Duration.ofMillis(250));
        assertThat(Durations.parse("1.")).isEmpty();
        assertThat(Durations.parse("30")).isEmpty();
        assertThat(Durations.parse("5 m")).isEmpty();
        assertThat(Durations.parse("m5")).isEmpty();
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    }

    @Test
    void sizes() {
        assertThat(ByteSizes.parse("50GiB")).contains(50L << 30);
        assertThat(ByteSizes.parse("500MB")).contains(500_000_000L);
        assertThat(ByteSizes.parse("1.5TiB")).contains(3L << 39);
        assertThat(ByteSizes.parse("1024")).contains(1024L);
        assertThat(ByteSizes.parse("3.7TB")).contains(3_700_000_000_000L);
        assertThat(ByteSizes.parse("50 gib")).contains(50L << 30);
        assertThat(ByteSizes.parse("lots")).isEmpty();
        assertThat(ByteSizes.format(50L << 30)).isEqualTo("50.0 GiB");
    }

    @Test
    void listenAddresses() {
        assertThat(Listen.parse("0.0.0.0:8470")).contains(new Listen("0.0.0.0", 8470));
        assertThat(Listen.parse("[::1]:8470")).contains(new Listen("::1", 8470));
        assertThat(Listen.parse("[::1]:8470").orElseThrow().isLoopback()).isTrue();
        assertThat(Listen.parse("8470")).isEmpty();
        assertThat(Listen.parse("host:99999")).isEmpty();
    }

    @Test
    void suggestions() {
        assertThat(Suggestions.closest("intervall", List.of("interval", "timeout"))).contains("interval");
        assertThat(Suggestions.closest("zzz", List.of("interval", "timeout"))).isEmpty();
    }

    @Test
    void secretFromEnvironment() {
        SecretRef ref = SecretRef.env("MY_KEY");
        assertThat(ref.resolve(Map.of("MY_KEY", "v\n"))).isEqualTo("v");
        assertThat(ref).hasToString("env:MY_KEY");
    }
}
