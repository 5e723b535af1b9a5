package dev.sparkd.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class ListQueryTest {
    static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    @Test
    void sinceIsATimeOrADurationBackFromNow() {
        assertThat(ListQuery.since("24h", NOW)).contains(Instant.parse("2026-12-04T12:00:00Z"));
        assertThat(ListQuery.since("2026-01-31T00:00:00Z", NOW)).contains(Instant.parse("2026-01-31T00:00:00Z"));
        assertThat(ListQuery.since("2026-01-31T01:00:00+01:00", NOW)).contains(Instant.parse("2026-01-31T00:00:00Z"));
        assertThat(ListQuery.since("2026-01-31", NOW)).as("a date: its start, UTC").contains(Instant.parse("2026-01-31T00:00:00Z"));
        assertThat(ListQuery.since(null, NOW)).isEmpty();
        assertThat(ListQuery.since(" ", NOW)).isEmpty();
    }

    @Test
    void wrongValuesAnswer400WithAnExample() {
        assertThatThrownBy(() -> ListQuery.since("yesterday", NOW)).isInstanceOf(ApiError.class)
                .hasMessageContaining("\"yesterday\"")
                .satisfies(e -> assertThat(((ApiError) e).toResponse("r1").getStatus()).isEqualTo(400));
        // a duration back beyond any time, one that overflows a Duration, a time PostgreSQL would refuse, a long text
        for (String wrong : new String[] {"1000000000000d", "99999999999999999999999h", "+999999999-01-01T00:00:00Z",
                "0000-12-31T00:00:00Z", "x".repeat(10_000)}) {
            assertThatThrownBy(() -> ListQuery.since(wrong, NOW)).as(wrong.length() > 40 ? "a 10,000-character since" : wrong)
                    .isInstanceOf(ApiError.class).hasMessageContaining("RFC 3339").hasMessageNotContaining("x".repeat(100));
        }
        assertThat(ListQuery.limit("1", 100)).isEqualTo(1);
        assertThat(ListQuery.limit(String.valueOf(ListQuery.MAX_LIMIT), 100)).isEqualTo(1000);
        assertThat(ListQuery.limit(null, 100)).as("absent: the endpoint's default").isEqualTo(100);
        assertThat(ListQuery.limit("", 100)).isEqualTo(100);
        for (String wrong : new String[] {"0", "-1", "1001", "2147483647", "99999999999", "abc", "1.5", "9".repeat(10_000)}) {
            assertThatThrownBy(() -> ListQuery.limit(wrong, 100)).as(wrong.length() > 40 ? "a 10,000-digit limit" : wrong)
                    .isInstanceOf(ApiError.class).hasMessageContaining("from 1 to 1000").hasMessageNotContaining("9".repeat(100));
        }
    }
}
